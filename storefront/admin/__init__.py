"""Flask-Admin for staff: the model views (views), what they share (base), uploads (images)."""

from storefront.admin.views import init_admin

__all__ = ["init_admin"]
