from newsdesk.enrich.language.detect import detect_language
from newsdesk.models import Article


def label_language(article: Article) -> str:
    """Store the article's language; what extraction put there counts as the page's declaration."""
    language = detect_language(article.title, article.text or article.description, declared=article.language)
    if language != article.language:
        article.language = language
        Article.objects.filter(id=article.id).update(language=language)
    return language
