"""A single-file Django 3.2 API whose settings are picked by a scenario name:

    python3 app.py <scenario> <port>     (runs `manage.py runserver 127.0.0.1:<port> --noreload`)

Each scenario is a settings class: the settings people write (django-cors-headers 3.14), with the
mistakes reported on adamchainz/django-cors-headers; the `*-fixed` ones have corscope's fix
applied. DEBUG is on, as in development.
"""
import sys

import django
from django.conf import settings

scenario, port = sys.argv[1], sys.argv[2]

BASE_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
CORS_FIRST = ["corsheaders.middleware.CorsMiddleware", *BASE_MIDDLEWARE]
CORS_LAST = [*BASE_MIDDLEWARE, "corsheaders.middleware.CorsMiddleware"]


class Base:
    DEBUG = True
    SECRET_KEY = "recorded-not-secret"
    ROOT_URLCONF = __name__
    ALLOWED_HOSTS = []
    INSTALLED_APPS = [
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "django.contrib.sessions",
        "django.contrib.messages",
        "corsheaders",
    ]
    MIDDLEWARE = CORS_FIRST
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
    DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
    USE_TZ = True
    CORS_ALLOWED_ORIGINS = ["http://localhost:5173"]


class NoCors(Base):
    INSTALLED_APPS = [a for a in Base.INSTALLED_APPS if a != "corsheaders"]
    MIDDLEWARE = BASE_MIDDLEWARE
    CORS_ALLOWED_ORIGINS = []


class Fixed(Base):
    pass


class Origin127(Base):
    CORS_ALLOWED_ORIGINS = ["http://127.0.0.1:5173"]


class OriginTrailingSlash(Base):
    # corsheaders.E014 refuses this at startup: runserver never listens.
    CORS_ALLOWED_ORIGINS = ["http://localhost:5173/"]


class CredentialsColon(Base):
    # An annotation, not an assignment: the setting stays unset (False).
    CORS_ALLOW_CREDENTIALS: True


class CredentialsFixed(Base):
    CORS_ALLOW_CREDENTIALS = True


class AllowAll(Base):
    CORS_ALLOWED_ORIGINS = []
    CORS_ALLOW_ALL_ORIGINS = True


class HeadersFixed(Base):
    from corsheaders.defaults import default_headers

    CORS_ALLOW_HEADERS = list(default_headers) + ["x-api-key"]


class Methods(Base):
    CORS_ALLOW_METHODS = ["GET", "OPTIONS", "POST"]


class MethodsFixed(Base):
    CORS_ALLOW_METHODS = ["GET", "OPTIONS", "POST", "DELETE"]


class CorsLast(Base):
    MIDDLEWARE = CORS_LAST


class UrlsRegex(Base):
    CORS_URLS_REGEX = r"^/api/.*$"


class UrlsRegexFixed(Base):
    CORS_URLS_REGEX = r"^/api/.*$|^/auth/"


class AuthMiddleware(Base):
    # The token check sits above CorsMiddleware, which was appended at the end.
    MIDDLEWARE = [*BASE_MIDDLEWARE, "__main__.ApiKeyMiddleware", "corsheaders.middleware.CorsMiddleware"]


class AuthMiddlewareFixed(Base):
    MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware", *BASE_MIDDLEWARE, "__main__.ApiKeyMiddleware"]


class LoginRedirect(Base):
    CORS_ALLOW_CREDENTIALS = True
    LOGIN_URL = "http://localhost:9000/login"


SCENARIOS = {
    "no-cors": NoCors,
    "fixed": Fixed,
    "origin-127": Origin127,
    "origin-trailing-slash": OriginTrailingSlash,
    "credentials-colon": CredentialsColon,
    "credentials-fixed": CredentialsFixed,
    "allow-all": AllowAll,
    "headers-default": Fixed,
    "headers-fixed": HeadersFixed,
    "methods": Methods,
    "methods-fixed": MethodsFixed,
    "cors-last": CorsLast,
    "urls-regex": UrlsRegex,
    "urls-regex-fixed": UrlsRegexFixed,
    "auth-middleware": AuthMiddleware,
    "auth-middleware-fixed": AuthMiddlewareFixed,
    "login-redirect": LoginRedirect,
    "login-redirect-fixed": LoginRedirect,
}
chosen = SCENARIOS[scenario]
settings.configure(**{name: getattr(chosen, name) for name in dir(chosen) if name.isupper()})
django.setup()

from django.contrib.auth.decorators import login_required  # noqa: E402
from django.http import HttpResponse, JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402
from django.views.decorators.http import require_POST  # noqa: E402

ITEMS = [{"id": 1, "name": "first"}, {"id": 2, "name": "second"}]


class ApiKeyMiddleware:
    """A hand-written token check for /api/: no Authorization header, 401."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and "HTTP_AUTHORIZATION" not in request.META:
            return JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)
        return self.get_response(request)


@csrf_exempt
def items(request):
    if request.method == "POST":
        return JsonResponse({"id": 3}, status=201)
    return JsonResponse(ITEMS, safe=False)


@csrf_exempt
def item(request, item_id):
    if request.method == "DELETE":
        return HttpResponse(status=204)
    return JsonResponse({"id": item_id, "name": "first"})


def me_view(request):
    if scenario == "login-redirect-fixed" and not request.user.is_authenticated:
        return JsonResponse({"detail": "not signed in"}, status=401)
    return JsonResponse({"user": str(request.user)})


me = login_required(me_view) if scenario == "login-redirect" else me_view


@csrf_exempt
@require_POST
def login(request):
    return JsonResponse({"token": "t0k3n"})


urlpatterns = [
    path("api/items/", items),
    path("api/items/<int:item_id>/", item),
    path("api/me/", me),
    path("auth/login/", login),
]

if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0], "runserver", f"127.0.0.1:{port}", "--noreload"])
