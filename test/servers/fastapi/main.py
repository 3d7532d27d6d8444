"""A FastAPI app whose CORS setup is picked by a scenario name (argv[1]); served by uvicorn on argv[2].

Each scenario is a CORS setup people really write (see stack.mjs for the cases and their fixes).
Run: /usr/bin/python3 main.py <scenario> <port>
"""
import sys

import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import BaseModel

scenario = sys.argv[1] if len(sys.argv) > 1 else "basic"
port = int(sys.argv[2]) if len(sys.argv) > 2 else 3000

PAGE = "http://localhost:5173"

app = FastAPI()


class Item(BaseModel):
    name: str
    price: float


@app.get("/api/items")
def list_items(response: Response):
    if scenario == "route-headers":
        # CORS by hand, in the route (fastapi#133): only the routes' own answers carry it.
        response.headers["Access-Control-Allow-Origin"] = PAGE
    return [{"id": 1, "name": "lamp"}]


@app.get("/api/items/{item_id}")
def get_item(item_id: int):
    # /api/items/oops fails validation: FastAPI's 422, written inside the middleware stack.
    return {"id": item_id, "name": "lamp"}


@app.put("/api/items/{item_id}")
def update_item(item_id: int, item: Item, response: Response):
    if scenario == "route-headers":
        response.headers["Access-Control-Allow-Origin"] = PAGE
    return {"id": item_id, **item.dict()}


@app.get("/api/me")
def me(request: Request):
    return {"user": "ada", "session": request.cookies.get("session")}


@app.post("/api/login")
def login(response: Response):
    response.set_cookie("session", "recorded-session", samesite="lax")
    return {"ok": True}


@app.get("/api/report")
def report():
    # A bug: an unhandled exception, which ServerErrorMiddleware turns into a 500.
    return {"total": 1 / 0}


def cors(**options):
    app.add_middleware(CORSMiddleware, **options)


def require_token():
    # An auth middleware that answers 401 itself when no bearer token came.
    @app.middleware("http")
    async def require_token_middleware(request: Request, call_next):
        if not request.headers.get("authorization", "").startswith("Bearer "):
            return JSONResponse({"detail": "Not authenticated"}, status_code=401)
        return await call_next(request)


def hand_rolled_headers():
    # CORS by hand in a middleware: every answer gets the headers, but the OPTIONS goes to the router.
    @app.middleware("http")
    async def add_cors_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Authorization"
        return response


asgi = app
if scenario == "none":
    pass
elif scenario == "basic":
    cors(allow_origins=[PAGE])
elif scenario == "origin-slash":
    cors(allow_origins=[PAGE + "/"], allow_methods=["*"], allow_headers=["*"])
elif scenario == "origin-slash-fixed":
    cors(allow_origins=[PAGE], allow_methods=["*"], allow_headers=["*"])
elif scenario == "origin-127":
    cors(allow_origins=["http://127.0.0.1:5173"])
elif scenario == "origin-127-fixed":
    cors(allow_origins=["http://127.0.0.1:5173", PAGE])
elif scenario == "wildcard-credentials":
    cors(allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["*"])
elif scenario == "wildcard-credentials-fixed":
    cors(allow_origins=[PAGE], allow_credentials=True, allow_methods=["*"], allow_headers=["*"])
elif scenario == "credentials-missing":
    cors(allow_origins=[PAGE])
elif scenario == "credentials-fixed":
    cors(allow_origins=[PAGE], allow_credentials=True)
elif scenario == "default-methods":
    cors(allow_origins=[PAGE])
elif scenario == "default-methods-fixed":
    cors(allow_origins=[PAGE], allow_methods=["GET", "PUT"])
elif scenario == "default-headers":
    cors(allow_origins=[PAGE], allow_methods=["*"])
elif scenario == "default-headers-fixed":
    cors(allow_origins=[PAGE], allow_methods=["*"], allow_headers=["Authorization"])
elif scenario == "auth-outside-cors":
    # CORSMiddleware added first, the auth middleware after it: Starlette runs the last added first.
    cors(allow_origins=[PAGE], allow_methods=["*"], allow_headers=["*"])
    require_token()
elif scenario == "auth-inside-cors":
    require_token()
    cors(allow_origins=[PAGE], allow_methods=["*"], allow_headers=["*"])
elif scenario == "unhandled-error":
    cors(allow_origins=[PAGE])
elif scenario == "unhandled-error-fixed":
    # The whole app wrapped, so the 500 that ServerErrorMiddleware writes passes through CORS too.
    asgi = CORSMiddleware(app, allow_origins=[PAGE])
elif scenario == "route-headers":
    pass
elif scenario == "route-headers-fixed":
    cors(allow_origins=[PAGE], allow_methods=["PUT"])
elif scenario == "hand-rolled":
    hand_rolled_headers()
elif scenario == "hand-rolled-fixed":
    cors(allow_origins=[PAGE], allow_methods=["GET", "POST", "PUT", "DELETE"], allow_headers=["Authorization"])
else:
    sys.exit(f"unknown scenario {scenario}")

if __name__ == "__main__":
    uvicorn.run(asgi, host="127.0.0.1", port=port, log_level="warning")
