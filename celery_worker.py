"""celery -A celery_worker worker

The Flask app is not called ``app`` here: Celery would take it for the Celery app.
"""

from storefront import create_app
from storefront.services.search import text as search_text

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
search_text.warm()  # before the first request, not inside it
