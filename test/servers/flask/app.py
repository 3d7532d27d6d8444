"""A small Flask API whose CORS setup is picked by a scenario name: `python3 app.py <scenario> <port>`.

Each scenario is one way people set up (or misconfigure) Flask-CORS, as reported on its tracker;
the `*-fixed` scenarios are the same app with the fix corscope writes applied. Run in debug mode
(no reloader), as people run it in development: it changes what an unhandled exception answers.
"""
import sys
from functools import wraps

from flask import Flask, jsonify, request
from flask_cors import CORS, cross_origin
from werkzeug.exceptions import HTTPException

scenario, port = sys.argv[1], int(sys.argv[2])
PAGE = "http://localhost:5173"
app = Flask(__name__)

ITEMS = [{"id": 1, "name": "first"}, {"id": 2, "name": "second"}]


def token_required(f):
    """The tutorial token check: no Authorization header, 401 (a preflight never carries one)."""

    @wraps(f)
    def decorated(*args, **kwargs):
        if not request.headers.get("Authorization"):
            return jsonify({"message": "Token is missing!"}), 401
        return f(*args, **kwargs)

    return decorated


# --- the CORS setup, per scenario -------------------------------------------------------------
if scenario == "no-cors":
    pass
elif scenario == "fixed":
    CORS(app, origins=["http://localhost:5173"])
elif scenario == "origin-127":
    CORS(app, origins=["http://127.0.0.1:5173"])
elif scenario == "origin-trailing-slash":
    CORS(app, origins=["http://localhost:5173/"])
elif scenario == "default":
    CORS(app)
elif scenario == "snippet-star-credentials":
    # The "enable CORS in Flask" after_request snippet, credentials line included.
    @app.after_request
    def after_request(response):
        response.headers.add("Access-Control-Allow-Origin", "*")
        response.headers.add("Access-Control-Allow-Headers", "Content-Type,Authorization")
        response.headers.add("Access-Control-Allow-Methods", "GET,PUT,POST,DELETE,OPTIONS")
        response.headers.add("Access-Control-Allow-Credentials", "true")
        return response
elif scenario in ("credentials-origin-fixed", "view-star", "view-star-fixed"):
    CORS(app, origins=["http://localhost:5173"], supports_credentials=True)
elif scenario == "resources":
    CORS(app, resources={r"/api/*": {"origins": ["http://localhost:5173"]}})
elif scenario == "resources-fixed":
    CORS(app, resources={r"/api/*": {"origins": ["http://localhost:5173"]},
                         r"/auth/*": {"origins": ["http://localhost:5173"]}})
elif scenario == "methods":
    CORS(app, origins=["http://localhost:5173"], methods=["GET", "POST"])
elif scenario == "methods-fixed":
    CORS(app, origins=["http://localhost:5173"], methods=["GET", "POST", "DELETE"])
elif scenario == "allow-headers":
    CORS(app, origins=["http://localhost:5173"], allow_headers=["Content-Type"])
elif scenario == "allow-headers-fixed":
    CORS(app, origins=["http://localhost:5173"], allow_headers=["content-type", "authorization"])
elif scenario in ("before-request-auth", "before-request-auth-fixed"):
    CORS(app, origins=["http://localhost:5173"])

    @app.before_request
    def require_token():
        if scenario == "before-request-auth-fixed":
            if request.method == "OPTIONS": return None
        if request.path.startswith("/api/") and not request.headers.get("Authorization"):
            return jsonify({"message": "Token is missing!"}), 401
        return None
elif scenario in ("debug-500", "debug-500-fixed"):
    CORS(app, origins=["http://localhost:5173"])
    if scenario == "debug-500-fixed":
        # In debug mode an unhandled exception propagates to the Werkzeug debugger, past
        # flask-cors; a handler for Exception turns it into a response flask-cors sees.
        @app.errorhandler(Exception)
        def on_error(e):
            if isinstance(e, HTTPException):
                return e
            return {"error": repr(e)}, 500
elif scenario in ("strict-slashes", "strict-slashes-fixed"):
    CORS(app, origins=["http://localhost:5173"])


# --- routes -----------------------------------------------------------------------------------
@app.route("/api/items", methods=["GET", "POST"])
def items():
    if request.method == "POST":
        return jsonify({"id": 3, **(request.get_json(silent=True) or {})}), 201
    return jsonify(ITEMS)


@app.route("/api/items/<int:item_id>", methods=["GET", "PUT", "DELETE"])
def item(item_id):
    if request.method == "DELETE":
        return "", 204
    return jsonify({"id": item_id, "name": "first"})


@app.route("/api/me")
def me():
    return jsonify({"user": "recorded", "session": request.cookies.get("session")})


if scenario == "view-star":
    # The per-view snippet on one route: flask-cors leaves a response alone once it has an
    # Access-Control-Allow-Origin, so this route answers `*` where the others echo.
    @app.route("/api/report")
    def report():
        response = jsonify({"rows": 2})
        response.headers.add("Access-Control-Allow-Origin", "*")
        return response
else:
    @app.route("/api/report")
    def report():
        return jsonify({"rows": 2})


@app.route("/auth/login", methods=["POST"])
def login():
    return jsonify({"token": "t0k3n"})


if scenario == "decorator-order":
    # @cross_origin under the auth decorator: the auth check answers the preflight itself.
    @app.route("/api/account")
    @token_required
    @cross_origin(origins=["http://localhost:5173"])
    def account():
        return jsonify({"account": 7})
else:
    @app.route("/api/account")
    @cross_origin(origins=["http://localhost:5173"])
    @token_required
    def account():
        return jsonify({"account": 7})


@app.route("/api/stats")
def stats():
    total = sum(item["id"] for item in ITEMS)
    return jsonify({"average": total / len([i for i in ITEMS if i["id"] > 5])})


# Werkzeug's strict slashes: /api/orders answers 308 to /api/orders/.
@app.route("/api/orders/", methods=["GET", "POST"], strict_slashes=scenario != "strict-slashes-fixed")
def orders():
    if request.method == "POST":
        return jsonify({"order": 1}), 201
    return jsonify([])


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=port, debug=True, use_reloader=False)
