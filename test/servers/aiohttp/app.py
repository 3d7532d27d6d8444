"""An aiohttp app whose CORS setup (aiohttp-cors) is picked by a scenario name (argv[1]); listens on argv[2].

Each scenario is a setup people really write (see stack.mjs for the cases and their fixes).
Run: /usr/bin/python3 app.py <scenario> <port>
"""
import sys

import aiohttp_cors
from aiohttp import web

scenario = sys.argv[1] if len(sys.argv) > 1 else "basic"
port = int(sys.argv[2]) if len(sys.argv) > 2 else 3000

PAGE = "http://localhost:5173"


async def list_items(request):
    return web.json_response([{"id": 1, "name": "lamp"}])


async def update_item(request):
    item = await request.json()
    return web.json_response({"id": int(request.match_info["id"]), **item})


async def me(request):
    return web.json_response({"user": "ada", "session": request.cookies.get("session")})


async def report(request):
    # A bug: an unhandled exception, which aiohttp turns into its own 500.
    return web.json_response({"total": 1 / 0})


async def update_order(request):
    return web.json_response({"id": int(request.match_info["id"]), "status": "paid"})


@web.middleware
async def require_token(request, handler):
    # An auth middleware that refuses every request without a bearer token, the preflight included.
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        raise web.HTTPUnauthorized()
    return await handler(request)


@web.middleware
async def require_token_but_preflight(request, handler):
    if request.method == "OPTIONS":
        return await handler(request)
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        raise web.HTTPUnauthorized()
    return await handler(request)


@web.middleware
async def add_cors_headers(request, handler):
    # CORS by hand: a middleware that stamps `*` on every answer, as many aiohttp apps do.
    response = await handler(request)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


middlewares = []
if scenario == "hand-rolled-wildcard":
    middlewares = [add_cors_headers]
elif scenario == "auth-before-cors":
    middlewares = [require_token]
elif scenario == "auth-lets-preflight-through":
    middlewares = [require_token_but_preflight]
app = web.Application(middlewares=middlewares)


def add_routes():
    app.router.add_get("/api/items", list_items)
    app.router.add_put("/api/items/{id}", update_item)
    app.router.add_get("/api/me", me)
    app.router.add_get("/api/report", report)


def cors_for_all_routes(defaults):
    # The README's way: one setup with defaults, then cors.add() on every route registered so far.
    cors = aiohttp_cors.setup(app, defaults=defaults)
    for route in list(app.router.routes()):
        cors.add(route)
    return cors


Options = aiohttp_cors.ResourceOptions

if scenario == "none":
    add_routes()
elif scenario == "basic":
    add_routes()
    cors_for_all_routes({PAGE: Options()})
elif scenario == "origin-127":
    add_routes()
    cors_for_all_routes({"http://127.0.0.1:5173": Options()})
elif scenario == "origin-127-fixed":
    add_routes()
    cors_for_all_routes({"http://127.0.0.1:5173": Options(), PAGE: Options()})
elif scenario == "origin-slash":
    add_routes()
    cors_for_all_routes({PAGE + "/": Options(allow_headers=("Content-Type",))})
elif scenario in ("credentials-missing", "default-headers"):
    add_routes()
    cors_for_all_routes({PAGE: Options()})
elif scenario == "credentials-fixed":
    add_routes()
    cors_for_all_routes({PAGE: Options(allow_credentials=True)})
elif scenario in ("default-headers-fixed", "origin-slash-fixed"):
    add_routes()
    cors_for_all_routes({PAGE: Options(allow_headers=("Content-Type",))})
elif scenario in ("method-not-added", "method-not-added-fixed"):
    # The README's per-resource way: cors.add(resource), then cors.add(route) per method... but the PUT
    # route was added to the resource without cors.add(), so no method is allowed for it.
    options = Options(allow_headers=("Content-Type",))
    if scenario == "method-not-added-fixed":
        options = Options(allow_headers=("Content-Type",), allow_methods=["PUT"])
    cors = aiohttp_cors.setup(app, defaults={PAGE: options})
    items = cors.add(app.router.add_resource("/api/items"))
    cors.add(items.add_route("GET", list_items))
    item = cors.add(app.router.add_resource("/api/items/{id}"))
    item.add_route("PUT", update_item)
elif scenario in ("route-after-cors", "route-after-cors-fixed"):
    add_routes()
    if scenario == "route-after-cors":
        cors_for_all_routes({PAGE: Options(allow_headers=("Content-Type",))})
        # A route registered after the cors.add() loop: nothing answers its preflight.
        app.router.add_put("/api/orders/{id}", update_order)
    else:
        app.router.add_put("/api/orders/{id}", update_order)
        cors_for_all_routes({PAGE: Options(allow_headers=("Content-Type",))})
elif scenario in ("auth-before-cors", "auth-lets-preflight-through"):
    add_routes()
    cors_for_all_routes({PAGE: Options(allow_headers=("Authorization",))})
elif scenario == "unhandled-error":
    add_routes()
    cors_for_all_routes({PAGE: Options()})
elif scenario == "hand-rolled-wildcard":
    add_routes()
elif scenario == "hand-rolled-fixed":
    add_routes()
    cors_for_all_routes({PAGE: Options(allow_credentials=True)})
else:
    sys.exit(f"unknown scenario {scenario}")

if __name__ == "__main__":
    web.run_app(app, host="127.0.0.1", port=port, print=None)
