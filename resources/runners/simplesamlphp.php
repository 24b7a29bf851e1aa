<?php
// Runner for SimpleSAMLphp as an SP (Debian simplesamlphp 1.19, its SAML2 library and the saml module), for SAML JIT
// Lab's "Would your SP accept this?". Reads {"cases": [...]} as JSON on stdin and prints {"version", "results": [{id,
// verdict, error, nameId}]} as JSON on stdout, or {"unavailable": reason} when SimpleSAMLphp cannot be loaded.
//
// Each case takes the steps of modules/saml/www/sp/saml2-acs.php (the SP's ACS) with SimpleSAMLphp's own code: the
// HTTP-POST binding decodes and parses the message, Message::processResponse checks status, Destination,
// signatures, decryption, time conditions, Audience and SubjectConfirmation. The steps of saml2-acs.php that only
// look up configuration are written out here, marked "saml2-acs.php:". The clock is injected by defining time() in
// the saml module's namespace, where Message.php calls it unqualified.

namespace SimpleSAML\Module\saml {
    function time()
    {
        return \time() + $GLOBALS['lab_clock_offset'];
    }
}

namespace {
    $GLOBALS['lab_clock_offset'] = 0;
    ob_start(); // nothing a library prints may corrupt the JSON answer

    function lab_answer(array $answer): void
    {
        while (ob_get_level() > 0) {
            ob_end_clean();
        }
        fwrite(STDOUT, json_encode($answer, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE));
    }

    $root = '/usr/share/simplesamlphp';
    if (!class_exists('DOMDocument')) {
        lab_answer(['unavailable' => 'php-xml is not installed (apt-get install php-xml)']);
        exit(0);
    }
    if (!is_file("$root/lib/_autoload.php")) {
        lab_answer(['unavailable' => "SimpleSAMLphp is not installed in $root (apt-get install simplesamlphp)"]);
        exit(0);
    }
    require_once "$root/lib/_autoload.php";

    use SimpleSAML\Configuration;

    $tmp = sys_get_temp_dir() . '/saml-jit-lab-ssp-' . bin2hex(random_bytes(8));
    mkdir($tmp, 0700);
    // The global configuration: documented defaults (assertion.allowed_clock_skew 180 s, store.type phpsession,
    // which keeps no replay cache), logging to stderr only.
    Configuration::setPreLoadedConfig(Configuration::loadFromArray([
        'baseurlpath' => 'simplesaml/',
        'certdir' => $tmp . '/',
        'tempdir' => $tmp,
        'secretsalt' => bin2hex(random_bytes(16)),
        'logging.handler' => 'stderr',
        'logging.level' => SimpleSAML\Logger::ERR,
    ], '[ARRAY]', 'simplesaml'), 'config.php');

    function lab_judge(array $c, string $tmp)
    {
        $url = parse_url($c['acsUrl']);
        $https = ($url['scheme'] ?? '') === 'https';
        // The request as PHP sees a POST to the ACS URL.
        $_SERVER = [
            'REQUEST_METHOD' => 'POST',
            'CONTENT_TYPE' => 'application/x-www-form-urlencoded',
            'HTTP_HOST' => $url['host'] ?? 'localhost',
            'SERVER_PORT' => (string) ($url['port'] ?? ($https ? 443 : 80)),
            'REQUEST_URI' => ($url['path'] ?? '/') . (isset($url['query']) ? '?' . $url['query'] : ''),
            'SCRIPT_FILENAME' => __FILE__,
        ];
        if ($https) {
            $_SERVER['HTTPS'] = 'on';
        }
        $_POST = ['SAMLResponse' => $c['samlResponse']];
        $_GET = [];

        // The SP (an authsources.php 'saml:SP' entry): its entity ID and, for encrypted assertions, its key file.
        // SimpleSAMLphp reads the key from a file: it lives in a 0700 folder only while this case is judged.
        $sp = ['entityid' => $c['spEntityId']];
        $keyFile = null;
        if ($c['spPrivateKeyPem'] !== null) {
            $keyFile = $tmp . '/sp-' . bin2hex(random_bytes(6)) . '.pem';
            file_put_contents($keyFile, $c['spPrivateKeyPem']);
            chmod($keyFile, 0600);
            $sp['privatekey'] = $keyFile;
        }
        try {
            return lab_process($c, $sp);
        } finally {
            if ($keyFile !== null) {
                @unlink($keyFile);
            }
        }
    }

    function lab_process(array $c, array $sp)
    {
        $spMetadata = Configuration::loadFromArray($sp, '[ARRAY]');
        // The IdP (a saml20-idp-remote.php entry): its entity ID and signing certificates.
        $keys = [];
        foreach ($c['idpCertificatesPem'] as $pem) {
            $keys[] = [
                'type' => 'X509Certificate',
                'signing' => true,
                'encryption' => false,
                'X509Certificate' => preg_replace('/-----[^-]+-----|\s+/', '', $pem),
            ];
        }
        $idpMetadata = Configuration::loadFromArray(['entityid' => $c['idpEntityId'], 'keys' => $keys], '[ARRAY]');

        $binding = \SAML2\Binding::getCurrentBinding();
        $response = $binding->receive();
        if (!($response instanceof \SAML2\Response)) {
            throw new Exception('Invalid message received to AssertionConsumerService endpoint.');
        }
        // saml2-acs.php: the Issuer of the Response, else of an unencrypted Assertion.
        $issuer = $response->getIssuer();
        if ($issuer === null) {
            foreach ($response->getAssertions() as $a) {
                if ($a instanceof \SAML2\Assertion) {
                    $issuer = $a->getIssuer();
                    break;
                }
            }
        }
        if ($issuer instanceof \SAML2\XML\saml\Issuer) {
            $issuer = $issuer->getValue();
        }
        if ($issuer === null) {
            throw new Exception('Missing <saml:Issuer> in message delivered to AssertionConsumerService.');
        }
        // saml2-acs.php: the IdP's metadata is looked up by that Issuer; only the configured IdP is known.
        if ($issuer !== $c['idpEntityId']) {
            throw new Exception('Could not find the metadata of an IdP with entity ID ' . var_export($issuer, true));
        }
        // saml2-acs.php: an InResponseTo whose request state cannot be loaded is processed as unsolicited, and
        // unsolicited responses are accepted: InResponseTo never rejects a response here.

        $assertions = \SimpleSAML\Module\saml\Message::processResponse($spMetadata, $idpMetadata, $response);

        // saml2-acs.php: the replay check runs only with a store other than the default phpsession; NameID and
        // AuthnStatement are read from the processed assertions.
        $nameId = null;
        $foundAuthnStatement = false;
        foreach ($assertions as $assertion) {
            if ($nameId === null) {
                $nameId = $assertion->getNameId();
            }
            if ($assertion->getAuthnInstant() !== null) {
                $foundAuthnStatement = true;
            }
        }
        if (!$foundAuthnStatement) {
            throw new Exception('No AuthnStatement found in assertion(s).');
        }
        return $nameId === null ? null : $nameId->getValue();
    }

    try {
        $input = json_decode(stream_get_contents(STDIN), true, 64, JSON_THROW_ON_ERROR);
        $results = [];
        foreach ($input['cases'] as $c) {
            $GLOBALS['lab_clock_offset'] = (int) round((new DateTimeImmutable($c['now']))->format('U.u') - microtime(true));
            try {
                if ($c['replay']) {
                    lab_judge($c, $tmp); // a replay: this SP saw the response once already (no replay cache by default)
                }
                $nameId = lab_judge($c, $tmp);
                $results[] = ['id' => $c['id'], 'verdict' => 'accepted', 'error' => null, 'nameId' => $nameId];
            } catch (Throwable $e) {
                $results[] = ['id' => $c['id'], 'verdict' => 'rejected', 'error' => substr($e->getMessage(), 0, 2000), 'nameId' => null];
            }
        }
        lab_answer(['version' => Configuration::VERSION, 'results' => $results]);
    } catch (Throwable $e) {
        lab_answer(['unavailable' => 'the SimpleSAMLphp runner failed: ' . $e->getMessage()]);
    } finally {
        foreach (glob($tmp . '/*') ?: [] as $f) {
            @unlink($f);
        }
        @rmdir($tmp);
    }
}
