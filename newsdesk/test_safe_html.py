from newsdesk.safe_html import sanitize_html


def test_strips_scripts_styles_handlers_and_frames():
    html = (
        '<p onclick="steal()">Hello <b>world</b></p><script>alert(1)</script><style>p{}</style>'
        '<iframe src="https://ads.example/"></iframe><object data="x.swf"></object>'
    )
    assert sanitize_html(html, None) == "<p>Hello <b>world</b></p>"


def test_links_are_absolute_web_urls_with_nofollow():
    html = '<p><a href="/story" target="_blank" style="x">one</a> <a href="javascript:alert(1)">two</a></p>'
    cleaned = sanitize_html(html, "https://news.example/section/")

    assert '<a href="https://news.example/story" rel="nofollow noopener">one</a>' in cleaned
    assert "javascript" not in cleaned
    assert "target" not in cleaned and "style" not in cleaned


def test_images_keep_only_web_sources_and_alt():
    html = (
        '<figure><img src="pic.jpg" alt="A pier" width="9" onerror="x()">'
        "<figcaption>Pier</figcaption></figure>"
        '<img src="data:image/png;base64,AAAA"><img src="javascript:x()">'
    )
    cleaned = sanitize_html(html, "https://news.example/a/")

    expected = '<figure><img src="https://news.example/a/pic.jpg" alt="A pier"><figcaption>Pier</figcaption>'
    assert cleaned == expected + "</figure>"


def test_an_image_without_alt_gets_an_empty_one():
    cleaned = sanitize_html(
        '<p>Text</p><img src="/pier.jpg"><img alt="Quay" src="/quay.jpg">', "https://n.example/"
    )

    assert (
        cleaned
        == '<p>Text</p><img alt="" src="https://n.example/pier.jpg"><img alt="Quay" src="https://n.example/quay.jpg">'
    )


def test_unknown_tags_are_unwrapped_keeping_text():
    cleaned = sanitize_html(
        "<div><span>kept</span> <table><tr><td>text</td></tr></table></div><h1>Title</h1>", None
    )
    assert "kept" in cleaned and "text" in cleaned and "Title" in cleaned
    assert "<" not in cleaned


def test_images_and_links_to_placeholder_addresses_are_dropped():
    """Scripts that had no URL write "undefined"; resolved, it would be a broken image on our site."""
    html = (
        '<p>Before<img src="undefined" alt="x"></p><img src="null"><img src=" None ">'
        '<p><a href="undefined">text</a></p><img src="pic.jpg">'
    )
    cleaned = sanitize_html(html, "https://news.example/a/")

    assert cleaned == (
        '<p>Before</p><p><a rel="nofollow noopener">text</a></p><img alt="" src="https://news.example/a/pic.jpg">'
    )
