// The usage line of each command, in a module that imports nothing: `saml-jit-lab --help` prints them all without
// loading any command (a command pulls in the verifier, zod, the store… — seconds of start-up on a slow disk).
export const SERVE_USAGE = 'saml-jit-lab serve [--port N] [--data DIR] [--idp-metadata FILE] [--sp-entity-id ID]';

export const VERIFY_USAGE =
  'saml-jit-lab verify (--idp-metadata FILE | --idp-cert PEM) --sp-entity-id ID --acs-url URL --response FILE|- [--in-response-to ID] [--sp-key PEM] [--now ISO-8601] [--skew SECONDS] [--targets LIST] [--json]\n' +
  '  saml-jit-lab verify --config BUNDLE --response FILE|- [--idp-metadata FILE] [--in-response-to ID] [--sp-key PEM] [--now ISO-8601] [--skew SECONDS] [--targets LIST] [--json]';

export const METADATA_USAGE = 'saml-jit-lab metadata FILE|- [--entity ID] [--trust-cert PEM] [--json]';

export const REPLAY_USAGE = 'saml-jit-lab replay --config BUNDLE [--metadata FILE | --offline] [--rules FILE] [--json]';

export const TEST_SP_USAGE =
  'saml-jit-lab test-sp --sp-metadata FILE|URL [--acs-url URL] [--start-url URL] [--whoami URL | --success RULE] [--cases LIST] [--data DIR] [--idp-metadata-out FILE] [--json]\n' +
  '  saml-jit-lab test-sp --data DIR --idp-metadata-out FILE';

export const WHATIF_USAGE = 'saml-jit-lab whatif --config BUNDLE [--user NAMEID] [--drift LIST] [--json]';
