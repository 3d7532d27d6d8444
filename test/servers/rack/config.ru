# The middleware stack, picked by ENV['SCENARIO']: Rack::Cors (rack-cors 1.1) configured and
# ordered the ways people do, in front of the Sinatra app in app.rb. Run by puma.
require 'rack/cors'
require_relative 'app'

scenario = ENV.fetch('SCENARIO')
page = 'http://localhost:5173'
all_methods = %i[get post put patch delete options head]

# The configuration the README shows, for the scenarios that get something else right or wrong.
good = lambda do |builder, credentials: true|
  builder.use Rack::Cors do
    allow do
      origins page
      resource '/api/*', headers: :any, methods: all_methods, credentials: credentials
    end
  end
end

warden = lambda do |builder, failure_app|
  builder.use Warden::Manager do |manager|
    manager.default_strategies :session_cookie
    manager.failure_app = failure_app
  end
end

basic_auth = lambda do |builder|
  builder.use Rack::Auth::Basic, 'API' do |user, password|
    user == 'ada' && password == 'secret'
  end
end

case scenario
when 'plain', 'sinatra-before-filter', 'sinatra-before-filter-options', 'sinatra-route-headers'
  nil
when 'cors-get', 'sinatra-route-headers-cors'
  use Rack::Cors do
    allow do
      origins 'http://localhost:5173'
      resource '/api/*', headers: :any, methods: [:get, :post, :put, :patch, :delete, :options, :head]
    end
  end
when 'origin-127', 'origin-127-fixed'
  use Rack::Cors do
    allow do
      origins(*(scenario == 'origin-127' ? ['http://127.0.0.1:5173'] : ['http://127.0.0.1:5173', 'http://localhost:5173']))
      resource '/api/*', headers: :any, methods: all_methods
    end
  end
when 'origin-star'
  # `credentials: true` here raises Rack::Cors::Resource::CorsMisconfigurationError at boot.
  use Rack::Cors do
    allow do
      origins '*'
      resource '/api/*', headers: :any, methods: all_methods
    end
  end
when 'credentials-missing'
  good.call(self, credentials: false)
when 'credentials'
  good.call(self)
when 'methods-default', 'methods-full'
  use Rack::Cors do
    allow do
      origins page
      if scenario == 'methods-default'
        resource '/api/*', headers: :any
      else
        resource '/api/*', headers: :any, methods: [:get, :post, :put, :patch, :delete, :options, :head]
      end
    end
  end
when 'headers-default', 'headers-any'
  use Rack::Cors do
    allow do
      origins page
      if scenario == 'headers-default'
        resource '/api/*', methods: all_methods
      else
        resource '/api/*', methods: all_methods, headers: :any
      end
    end
  end
when 'warden-before-cors'
  warden.call(self, FailureApps::UNAUTHORIZED)
  good.call(self)
when 'warden-after-cors'
  good.call(self)
  warden.call(self, FailureApps::UNAUTHORIZED)
when 'warden-redirect'
  good.call(self)
  warden.call(self, FailureApps::REDIRECT)
when 'basic-before-cors'
  basic_auth.call(self)
  good.call(self, credentials: false)
when 'basic-after-cors'
  good.call(self, credentials: false)
  basic_auth.call(self)
when 'raise-errors', 'raise-errors-off', 'route-star', 'route-star-removed'
  good.call(self)
when 'resource-api-only', 'resource-api-and-auth'
  use Rack::Cors do
    allow do
      origins page
      resource '/api/*', headers: :any, methods: all_methods, credentials: true
      resource '/auth/*', headers: :any, methods: all_methods, credentials: true if scenario == 'resource-api-and-auth'
    end
  end
else
  raise "unknown scenario #{scenario}"
end

run Api
