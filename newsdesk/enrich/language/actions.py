from newsdesk.enrich.language.detect import detect_language
from newsdesk.models import Article


def label_language(article: Article, *, save: bool = True) -> str:
    """Set the article's language; what extraction put there counts as the page's declaration.

    With `save=False` only the instance changes: the pipeline writes it with its other fields.
    """
    language = detect_language(article.title, article.text or article.description, declared=article.language)
    if language != article.language:
        article.language = language
        if save:
            Article.objects.filter(id=article.id).update(language=language)
    return language
