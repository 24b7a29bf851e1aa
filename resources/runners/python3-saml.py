# Runner for python3-saml (OneLogin's toolkit, Debian python3-onelogin-saml2), for SAML JIT Lab's "Would your SP
# accept this?". Reads {"cases": [...]} as JSON on stdin and prints {"version", "results": [{id, verdict, error,
# nameId}]} as JSON on stdout, or {"unavailable": reason} when the library cannot be loaded. Each case is judged by a
# fresh SP configured as the toolkit's README shows, at the case's own clock (OneLogin_Saml2_Utils.now is shifted
# to it, running on at the real pace).
import json
import sys
import time
from urllib.parse import urlsplit

out = sys.stdout
sys.stdout = sys.stderr  # nothing a library prints may corrupt the JSON answer

try:
    import warnings
    warnings.simplefilter('ignore')
    from onelogin.saml2.auth import OneLogin_Saml2_Auth
    from onelogin.saml2.utils import OneLogin_Saml2_Utils
    try:
        import importlib.metadata as metadata
        VERSION = metadata.version('python3-saml')
    except Exception:  # the version is informative only
        VERSION = None
except Exception as e:  # ImportError, or a broken xmlsec/lxml binding
    out.write(json.dumps({'unavailable': 'python3-saml is not installed (apt-get install python3-onelogin-saml2): %s' % e}))
    sys.exit(0)

# The injected clock: every time check of the toolkit reads OneLogin_Saml2_Utils.now() (a Unix timestamp).
clock_offset = 0.0
OneLogin_Saml2_Utils.now = staticmethod(lambda: int(time.time() + clock_offset))

POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST'
REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect'


def parse_instant(iso):
    from datetime import datetime, timezone
    return datetime.strptime(iso, '%Y-%m-%dT%H:%M:%S.%fZ').replace(tzinfo=timezone.utc).timestamp()


def judge(c):
    certs = c['idpCertificatesPem']
    idp = {
        # The IdP's entity ID: the Issuer the response must name (checked in strict mode).
        'entityId': c['idpEntityId'],
        # Required by the settings; not used to check responses.
        'singleSignOnService': {'url': 'https://idp.invalid/sso', 'binding': REDIRECT},
    }
    # The IdP's signing certificate(s): x509cert for one, x509certMulti during a key rollover.
    if len(certs) == 1:
        idp['x509cert'] = certs[0]
    else:
        idp['x509certMulti'] = {'signing': certs, 'encryption': []}
    settings = {
        # The README: "strict" must be True in production (Destination, Audience, Recipient, times, InResponseTo
        # and signatures are checked); it is also the toolkit's default.
        'strict': True,
        'debug': False,
        'sp': {
            # The SP's entity ID: the Audience the assertion must name.
            'entityId': c['spEntityId'],
            # The ACS: the Destination and the bearer Recipient must start with it.
            'assertionConsumerService': {'url': c['acsUrl'], 'binding': POST},
            # The SP key that decrypts an EncryptedAssertion.
            'privateKey': c['spPrivateKeyPem'] or '',
            'x509cert': '',
        },
        'idp': idp,
        # No "security" block: the toolkit's defaults (wantAttributeStatement and wantNameId True, no signature
        # placement required, SHA-1 accepted).
    }
    url = urlsplit(c['acsUrl'])
    # The request as the README's Flask/Django helpers describe it: the ACS URL the browser posted to.
    request = {
        'https': 'on' if url.scheme == 'https' else 'off',
        'http_host': url.netloc,
        'script_name': url.path,
        'get_data': {},
        'post_data': {'SAMLResponse': c['samlResponse']},
    }
    auth = OneLogin_Saml2_Auth(request, settings)
    # The README: pass the ID of the AuthnRequest the SP sent (None for an IdP-initiated login).
    auth.process_response(request_id=c['inResponseTo'])
    errors = auth.get_errors()
    if errors or not auth.is_authenticated():
        raise ValueError('%s: %s' % (', '.join(errors) or 'not authenticated', auth.get_last_error_reason()))
    return auth.get_nameid()


def main():
    global clock_offset
    cases = json.loads(sys.stdin.read())['cases']
    results = []
    for c in cases:
        clock_offset = parse_instant(c['now']) - time.time()
        try:
            if c['replay']:
                judge(c)  # a replay: this SP saw the response once already (the toolkit keeps no state)
            name_id = judge(c)
            results.append({'id': c['id'], 'verdict': 'accepted', 'error': None, 'nameId': name_id})
        except Exception as e:
            results.append({'id': c['id'], 'verdict': 'rejected', 'error': str(e)[:2000], 'nameId': None})
    out.write(json.dumps({'version': VERSION, 'results': results}))


main()
