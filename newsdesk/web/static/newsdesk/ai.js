// The AI panel without page loads: answers stream in over server-sent events.
// Without this file every form still works: it loads the article page with the answer.
(function () {
  "use strict";

  function parseEvents(buffer, onEvent) {
    var blocks = buffer.split("\n\n");
    var rest = blocks.pop();
    blocks.forEach(function (block) {
      var name = "message", data = [];
      block.split("\n").forEach(function (line) {
        if (line.indexOf("event:") === 0) name = line.slice(6).trim();
        else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
      });
      if (data.length) onEvent(name, JSON.parse(data.join("\n")));
    });
    return rest;
  }

  function showMessage(output, className, text) {
    var p = document.createElement("p");
    p.className = className;
    p.textContent = text;  // model and reader text are never parsed as HTML
    output.replaceChildren(p);
    return p;
  }

  function markTarget(link) {
    var target = document.getElementById((link.getAttribute("href") || "").slice(1));
    if (!target) return;
    document.querySelectorAll(".ai-cited").forEach(function (el) { el.classList.remove("ai-cited"); });
    target.classList.add("ai-cited");
  }

  function run(panel, form) {
    var output = panel.querySelector(".ai-output");
    var params = new URLSearchParams(new FormData(form));
    var streaming = showMessage(output, "ai-text ai-streaming", "Working…");
    var started = false;
    panel.setAttribute("aria-busy", "true");
    fetch(panel.getAttribute("data-stream-url") + "?" + params.toString(), {
      headers: { Accept: "text/event-stream" },
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) {
        return response.json().then(function (body) {
          showMessage(output, "ai-error", body.error || "The panel could not answer.");
        });
      }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      function onEvent(name, payload) {
        if (name === "delta") {
          if (!started) { streaming.textContent = ""; started = true; }
          streaming.textContent += payload.text;
        } else if (name === "result") {
          output.innerHTML = payload.html;  // rendered and escaped by the server
        }
      }
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) return;
          buffer = parseEvents(buffer + decoder.decode(chunk.value, { stream: true }), onEvent);
          return pump();
        });
      }
      return pump();
    }).catch(function () {
      showMessage(output, "ai-error", "The connection broke off; please try again.");
    }).finally(function () {
      panel.removeAttribute("aria-busy");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var panel = document.querySelector(".ai-panel[data-stream-url]");
    if (!panel || !window.fetch || !window.TextDecoder) return;
    panel.querySelectorAll("form[data-ai-form]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        run(panel, form);
      });
    });
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a.ai-quote, a.ai-source-link, .ai-brief a");
      if (link && link.getAttribute("href").charAt(0) === "#") markTarget(link);
    });
    if (location.hash) {
      var cited = document.querySelector('.ai-panel a[href="' + location.hash + '"]');
      if (cited) markTarget(cited);
    }
  });
})();
