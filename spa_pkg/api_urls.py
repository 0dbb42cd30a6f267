"""The integrators' API: seed contract paths and the REST resources (owned by the API work)."""

urlpatterns = []
