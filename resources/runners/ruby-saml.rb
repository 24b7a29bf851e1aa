# Runner for ruby-saml (the library GitLab's omniauth-saml wraps), for SAML JIT Lab's "Would your SP accept this?".
# Reads {"cases": [...]} as JSON on stdin and prints {"version", "results": [{id, verdict, error, nameId}]} as JSON
# on stdout, or {"unavailable": reason} when ruby-saml cannot be loaded. Each case is judged by a fresh SP configured
# as ruby-saml's README shows, at the case's own clock (Time.now is shifted to it, running on at the real pace).
require 'json'
require 'time'

out = $stdout.dup
$stdout = $stderr # nothing a library prints may corrupt the JSON answer

begin
  require 'onelogin/ruby-saml'
rescue LoadError => e
  out.write(JSON.generate({ unavailable: "ruby-saml is not installed (apt-get install ruby-saml): #{e.message}" }))
  exit 0
end

OneLogin::RubySaml::Logging.logger = Logger.new(File::NULL)

# The injected clock: ruby-saml reads Time.now (conditions, session expiry, subject confirmation).
$clock_offset = 0.0
class << Time
  alias_method :lab_real_now, :now
  def now
    lab_real_now + $clock_offset
  end
end

def judge(c)
  settings = OneLogin::RubySaml::Settings.new
  # Where the IdP posts the response; checked against Destination and the bearer Recipient.
  settings.assertion_consumer_service_url = c['acsUrl']
  # The SP's entity ID: the Audience the assertion must name.
  settings.sp_entity_id = c['spEntityId']
  # The IdP's entity ID: the Issuer the response must name.
  settings.idp_entity_id = c['idpEntityId']
  # The IdP's signing certificate(s): idp_cert for one, idp_cert_multi during a key rollover.
  certs = c['idpCertificatesPem']
  if certs.length == 1
    settings.idp_cert = certs[0]
  else
    settings.idp_cert_multi = { signing: certs, encryption: [] }
  end
  # The SP key that decrypts an EncryptedAssertion.
  settings.private_key = c['spPrivateKeyPem'] if c['spPrivateKeyPem']
  # Everything else keeps ruby-saml's defaults (settings.security: no signature placement required, SHA-1
  # accepted, no clock drift; Response options: no skip_*).
  options = { settings: settings }
  # omniauth-saml passes the ID of the AuthnRequest it sent, when there was one (SP-initiated).
  options[:matches_request_id] = c['inResponseTo'] if c['inResponseTo']
  response = OneLogin::RubySaml::Response.new(c['samlResponse'], options)
  # omniauth-saml sets soft = false: the first failed validation raises ValidationError with its message.
  response.soft = false
  response.is_valid?
  response.name_id
end

cases = JSON.parse($stdin.read)['cases']
results = cases.map do |c|
  $clock_offset = Time.iso8601(c['now']).to_f - Time.lab_real_now.to_f
  begin
    judge(c) if c['replay'] # a replay: this SP saw the response once already (ruby-saml keeps no state)
    name_id = judge(c)
    { id: c['id'], verdict: 'accepted', error: nil, nameId: name_id }
  rescue StandardError, ScriptError => e
    { id: c['id'], verdict: 'rejected', error: e.message.to_s[0, 2000], nameId: nil }
  end
end

out.write(JSON.generate({ version: OneLogin::RubySaml::VERSION, results: results }))
