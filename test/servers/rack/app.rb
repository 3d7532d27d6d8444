# A small Sinatra API. Its CORS setup lives in config.ru (Rack::Cors, Warden, Rack::Auth::Basic
# and their order), picked by ENV['SCENARIO']; a few scenarios change the app itself (hand-written
# headers in a filter or in the routes, raise_errors, a route that sets its own CORS header).
require 'json'
require 'sinatra/base'
require 'warden'

class Api < Sinatra::Base
  SCENARIO = ENV.fetch('SCENARIO')
  PAGE = 'http://localhost:5173'

  # Sinatra's Rack::Protection::HttpOrigin refuses cross-origin PUT/DELETE with 403 unless the
  # origin is permitted; every scenario permits the page so that only CORS is at stake.
  set :protection, permitted_origins: [PAGE]

  # An API that wants no HTML error pages and its exceptions raised to an error tracker
  # (the advice of Sentry/Honeybadger-style Rack middleware): the exception escapes Rack::Cors
  # and puma answers it. raise-errors-off is Sinatra's own default outside the test environment.
  if SCENARIO.start_with?('raise-errors')
    set :show_exceptions, false
    set :raise_errors, SCENARIO == 'raise-errors'
  end

  # Hand-written CORS in a before filter, as Sinatra answers on the subject suggest.
  if SCENARIO.start_with?('sinatra-before-filter')
    before do
      headers 'Access-Control-Allow-Origin' => PAGE,
              'Access-Control-Allow-Methods' => 'GET, POST, PUT, DELETE, OPTIONS',
              'Access-Control-Allow-Headers' => 'Content-Type'
    end
  end

  if SCENARIO == 'sinatra-before-filter-options'
    options '*' do
      200
    end
  end

  helpers do
    def route_cors
      return unless SCENARIO.start_with?('sinatra-route-headers')

      headers 'Access-Control-Allow-Origin' => PAGE, 'Access-Control-Allow-Methods' => 'GET, PUT'
    end
  end

  get '/api/items' do
    route_cors
    content_type :json
    [{ id: 1, name: 'first' }].to_json
  end

  put '/api/items/:id' do
    route_cors
    content_type :json
    { id: params[:id], ok: true }.to_json
  end

  delete '/api/items/:id' do
    content_type :json
    { id: params[:id], deleted: true }.to_json
  end

  get '/api/me' do
    env['warden']&.authenticate!
    # A route that sets its own CORS header, copied from an answer: it wins over Rack::Cors'.
    headers 'Access-Control-Allow-Origin' => '*' if SCENARIO == 'route-star'
    content_type :json
    { user: 'ada' }.to_json
  end

  REPORTS = { 'monthly' => { total: 3 } }.freeze

  get '/api/report' do
    content_type :json
    REPORTS.fetch(params.fetch('name', 'weekly')).to_json # a bug: KeyError for the default
  end

  get '/auth/me' do
    content_type :json
    { user: 'ada' }.to_json
  end
end

# A session-cookie strategy: the recorded cookie (`session=recorded-session`) has expired.
Warden::Strategies.add(:session_cookie) do
  def valid?
    true
  end

  def authenticate!
    request.cookies['session'] == 'valid-session' ? success!('ada') : fail!('Your session expired.')
  end
end

# What Devise's failure app does: 401 for API formats, a redirect to the sign-in page for
# "navigational" ones, which by default include */* (what fetch sends).
module FailureApps
  UNAUTHORIZED = lambda do |_env|
    [401, { 'Content-Type' => 'application/json' }, ['{"error":"You need to sign in or sign up before continuing."}']]
  end
  REDIRECT = lambda do |_env|
    [302, { 'Location' => 'http://localhost:9000/login', 'Content-Type' => 'text/html' }, ['<html><body>You are being <a href="http://localhost:9000/login">redirected</a>.</body></html>']]
  end
end
