// A small Go API whose CORS setup is picked by a scenario name (argv[1]); it listens on
// 127.0.0.1:<argv[2]>. Each scenario is a mistake Go developers report (rs/cors defaults, middleware
// order, per-route wrapping, hand-written headers, gin route groups) or its fix. Built offline
// against Debian's Go libraries: GOPATH=/usr/share/gocode GO111MODULE=off go build.
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/rs/cors"
)

const page = "http://localhost:5173"

func writeJSON(w http.ResponseWriter, status int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func items(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, []map[string]interface{}{{"id": 1, "name": "first"}})
}

// item answers PUT and DELETE on /api/items/{id} and refuses any other method, the usual
// hand-rolled method check of a net/http handler.
func item(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPut, http.MethodDelete:
		writeJSON(w, http.StatusOK, map[string]interface{}{"id": strings.TrimPrefix(r.URL.Path, "/api/items/"), "ok": true})
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func me(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie("session"); err != nil || c.Value == "" {
		http.Error(w, "not signed in", http.StatusUnauthorized)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"user": "ada"})
}

// report is slow: longer than the server's timeout.
func report(w http.ResponseWriter, r *http.Request) {
	time.Sleep(1500 * time.Millisecond)
	writeJSON(w, http.StatusOK, map[string]string{"report": "done"})
}

func newMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/items", items)
	mux.HandleFunc("/api/items/", item)
	mux.HandleFunc("/api/me", me)
	mux.HandleFunc("/api/report", report)
	return mux
}

// auth is a bearer-token check in front of everything, as people write it.
func auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// withCORS is the hand-written middleware of countless blog posts. answerPreflight is the
// `if r.Method == http.MethodOptions` branch people forget.
func withCORS(origin string, answerPreflight bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
		w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
		if answerPreflight && r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// itemOwnCORS sets the CORS headers inside the handler, after its method check.
func itemOwnCORS(answerPreflight bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if answerPreflight && r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Origin", "http://localhost:5173")
			w.Header().Set("Access-Control-Allow-Methods", "PUT")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if r.Method != http.MethodPut {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", page)
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	}
}

// CORSMiddleware is the gin middleware from the most copied answer on the subject.
func CORSMiddleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Writer.Header().Set("Access-Control-Allow-Origin", page)
		c.Writer.Header().Set("Access-Control-Allow-Credentials", "true")
		c.Writer.Header().Set("Access-Control-Allow-Headers", "Content-Type, Content-Length, Accept-Encoding, X-CSRF-Token, Authorization, accept, origin, Cache-Control, X-Requested-With")
		c.Writer.Header().Set("Access-Control-Allow-Methods", "POST, OPTIONS, GET, PUT, DELETE")
		if c.Request.Method == "OPTIONS" {
			c.AbortWithStatus(204)
			return
		}
		c.Next()
	}
}

func ginApp(engineWide bool) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if engineWide {
		r.Use(CORSMiddleware())
	}
	api := r.Group("/api")
	if !engineWide {
		api.Use(CORSMiddleware())
	}
	api.GET("/items", func(c *gin.Context) { c.JSON(200, []gin.H{{"id": 1, "name": "first"}}) })
	api.PUT("/items/:id", func(c *gin.Context) { c.JSON(200, gin.H{"id": c.Param("id"), "ok": true}) })
	return r
}

func handler(scenario string) http.Handler {
	mux := newMux()
	local := []string{page}
	switch scenario {
	case "plain":
		return mux
	case "rs-local":
		return cors.New(cors.Options{AllowedOrigins: []string{"http://localhost:5173"}}).Handler(mux)
	case "rs-origin-127":
		return cors.New(cors.Options{AllowedOrigins: []string{"http://127.0.0.1:5173"}, AllowedMethods: []string{http.MethodGet, http.MethodPut}}).Handler(mux)
	case "rs-origin-127-fixed":
		return cors.New(cors.Options{AllowedOrigins: []string{"http://127.0.0.1:5173", "http://localhost:5173"}, AllowedMethods: []string{http.MethodGet, http.MethodPut}}).Handler(mux)
	case "rs-credentials-default-origins":
		return cors.New(cors.Options{AllowCredentials: true}).Handler(mux)
	case "rs-credentials-local":
		return cors.New(cors.Options{AllowedOrigins: []string{"http://localhost:5173"}, AllowCredentials: true}).Handler(mux)
	case "rs-methods-default":
		return cors.New(cors.Options{AllowedOrigins: local}).Handler(mux)
	case "rs-methods-delete":
		return cors.New(cors.Options{AllowedOrigins: local, AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodHead, http.MethodDelete}}).Handler(mux)
	case "rs-headers-default":
		return cors.New(cors.Options{AllowedOrigins: local, AllowedMethods: []string{http.MethodGet, http.MethodPut}}).Handler(mux)
	case "rs-headers-authorization":
		return cors.New(cors.Options{AllowedOrigins: local, AllowedMethods: []string{http.MethodGet, http.MethodPut}, AllowedHeaders: []string{"Accept", "Content-Type", "X-Requested-With", "Authorization"}}).Handler(mux)
	case "rs-auth-outside":
		c := cors.New(cors.Options{AllowedOrigins: local, AllowedHeaders: []string{"Authorization"}})
		return auth(c.Handler(mux))
	case "rs-auth-inside":
		c := cors.New(cors.Options{AllowedOrigins: local, AllowedHeaders: []string{"Authorization"}})
		return c.Handler(auth(mux))
	case "rs-timeout-outside":
		c := cors.New(cors.Options{AllowedOrigins: local})
		return http.TimeoutHandler(c.Handler(mux), time.Second, "timeout")
	case "rs-timeout-inside":
		c := cors.New(cors.Options{AllowedOrigins: local})
		return c.Handler(http.TimeoutHandler(mux, time.Second, "timeout"))
	case "rs-per-route":
		// CORS on the handlers only: the mux's own trailing-slash redirect runs without it.
		c := cors.New(cors.Options{AllowedOrigins: local})
		m := http.NewServeMux()
		m.Handle("/api/items/", c.Handler(http.HandlerFunc(items)))
		return m
	case "rs-whole-mux":
		c := cors.New(cors.Options{AllowedOrigins: local})
		m := http.NewServeMux()
		m.Handle("/api/items/", http.HandlerFunc(items))
		return c.Handler(m)
	case "rs-plus-handler-add", "rs-handler-add-removed":
		c := cors.New(cors.Options{AllowedOrigins: local})
		m := http.NewServeMux()
		add := scenario == "rs-plus-handler-add"
		m.HandleFunc("/api/items", func(w http.ResponseWriter, r *http.Request) {
			if add {
				w.Header().Add("Access-Control-Allow-Origin", "*")
			}
			items(w, r)
		})
		return c.Handler(m)
	case "hand-method-check", "hand-options-answered":
		m := http.NewServeMux()
		m.HandleFunc("/api/items/", itemOwnCORS(scenario == "hand-options-answered"))
		return m
	case "hand-no-options-return":
		return withCORS(page, false, mux)
	case "hand-options-return":
		return withCORS(page, true, mux)
	case "hand-origin-3000":
		return withCORS("http://localhost:3000", true, mux)
	case "hand-origin-env":
		// FRONTEND_URL=http://localhost:5173/ as copied from the browser's address bar.
		return withCORS(os.Getenv("FRONTEND_URL"), true, mux)
	case "gin-group-cors":
		return ginApp(false)
	case "gin-engine-cors":
		return ginApp(true)
	}
	log.Fatalf("unknown scenario %q", scenario)
	return nil
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: server <scenario> <port>")
		os.Exit(2)
	}
	h := handler(os.Args[1])
	log.Fatal(http.ListenAndServe("127.0.0.1:"+os.Args[2], h))
}
