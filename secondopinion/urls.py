from django.urls import include, path

from secondopinion.cases import views as case_views
from secondopinion.core import views as core_views

case_prefix = "cases/<uuid:case_id>/"

urlpatterns = [
    path("", case_views.home, name="home"),
    path("about/", core_views.about, name="about"),
    path("health/", core_views.health, name="health"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/", include("secondopinion.accounts.urls")),
    path("cases/", include("secondopinion.cases.urls")),
    path("centers/", include("secondopinion.centers.urls")),
    path(case_prefix + "services/", include("secondopinion.providers.urls")),
    path(case_prefix + "doctors/", include("secondopinion.doctors.urls")),
    path(case_prefix + "records/", include("secondopinion.records.urls")),
    path(case_prefix + "pathology/", include("secondopinion.pathology.urls")),
    path(case_prefix + "opinions/", include("secondopinion.opinions.urls")),
    path(case_prefix, include("secondopinion.accounts.urls_case")),  # sharing/, activity/
    path("r/", include("secondopinion.opinions.urls_public")),
    path(case_prefix, include("secondopinion.operations.urls_case")),
]
