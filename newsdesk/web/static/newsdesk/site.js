// Small enhancements only: every page is complete without this file.
(function () {
  "use strict";

  var MINUTE = 60, HOUR = 3600, DAY = 86400, RELATIVE_DAYS = 7;

  // Same wording as the server's relative_time filter (newsdesk/web/templatetags/newsdesk_web.py).
  // Past a week, the day the server gave (`day`, in the page's zone), else the browser's own.
  function relativeTime(date, now, day) {
    var seconds = (now - date) / 1000;
    function ago(count, unit) { return count + " " + unit + (count === 1 ? "" : "s") + " ago"; }
    if (seconds < MINUTE) return "just now";
    if (seconds < HOUR) return ago(Math.floor(seconds / MINUTE), "minute");
    if (seconds < DAY) return ago(Math.floor(seconds / HOUR), "hour");
    if (seconds < RELATIVE_DAYS * DAY) return ago(Math.floor(seconds / DAY), "day");
    if (day) return day;
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    return pad(date.getDate()) + "-" + pad(date.getMonth() + 1) + "-" + date.getFullYear();
  }

  function refreshTimes() {
    var now = new Date();
    document.querySelectorAll("time[data-relative]").forEach(function (el) {
      var date = new Date(el.getAttribute("datetime"));
      if (!isNaN(date)) el.textContent = relativeTime(date, now, el.getAttribute("data-date"));
    });
  }

  // Publisher images are hot-linked; when one is gone, drop the empty frame instead of a broken icon.
  function dropImage(img) {
    (img.closest(".card-image, .lead-image") || img).remove();
  }
  document.addEventListener("error", function (event) {
    var img = event.target;
    if (img && img.tagName === "IMG" && img.hasAttribute("data-hide-broken")) dropImage(img);
  }, true);

  function setUpCopyButtons() {
    document.querySelectorAll("button[data-copy-from]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("data-copy-from"));
      var status = button.closest(".share").querySelector(".share-status");
      if (!input) return;
      button.hidden = false;
      function selectForManualCopy() {
        input.focus();
        input.select();
        status.textContent = "Link selected: press Ctrl+C (⌘C on a Mac) to copy it.";
      }
      button.addEventListener("click", function () {
        if (!navigator.clipboard || !window.isSecureContext) { selectForManualCopy(); return; }
        navigator.clipboard.writeText(input.value).then(function () {
          status.textContent = "Link copied.";
        }, selectForManualCopy);
      });
      input.addEventListener("focus", function () { input.select(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    // Images that failed before this script ran.
    document.querySelectorAll("img[data-hide-broken]").forEach(function (img) {
      if (img.complete && img.naturalWidth === 0) dropImage(img);
    });
    refreshTimes();
    setInterval(refreshTimes, 30 * 1000);
    setUpCopyButtons();
  });
})();
