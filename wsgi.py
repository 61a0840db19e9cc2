"""gunicorn wsgi:app"""

from storefront import create_app
from storefront.services.search import text as search_text

app = create_app()
search_text.warm()  # before the first request, not inside it
