"""celery -A celery_worker worker

The Flask app is not called ``app`` here: Celery would take it for the Celery app.
"""

from storefront import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
