"""Server-rendered pages for managers and cashiers (owned by the pages work)."""

urlpatterns = []
