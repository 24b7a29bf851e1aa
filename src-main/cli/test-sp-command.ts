// `saml-jit-lab test-sp`: the lab as an IdP for your application, with the conformance and attack suite, for CI.
// Exit 0 when every case behaves as a correct SP should, 1 when a case is VULNERABLE or the valid login fails,
// 2 on usage errors or unusable input.
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SpTestCaseId } from '../contract/sp-test.ts';
import { loadDemoUsers } from '../core/demo-idp/demo-idp.ts';
import { LabError } from '../core/errors.ts';
import { DEFAULT_RULES } from '../core/jit/presets.ts';
import { decodeMetadataBytes } from '../core/idp/metadata.ts';
import { fetchMetadata } from '../core/net/fetch-metadata.ts';
import { CASE_IDS } from '../core/sp-test/cases.ts';
import { loadLabIdp } from '../core/sp-test/lab-idp.ts';
import { reportJson, reportText } from '../core/sp-test/report.ts';
import { runSuite, parseSuccessRule } from '../core/sp-test/runner.ts';
import { registrationFrom } from '../core/sp-test/sp-registry.ts';
import { UsageError, parseFlags } from './args.ts';
import { RESOURCES_DIR, defaultDataDir } from './paths.ts';
import type { Io } from './serve.ts';
import { TEST_SP_USAGE } from './usage.ts';

const HELP = `
Tests your application (the SP) with the lab as its IdP: a valid login it must accept, then responses a correct SP
must refuse (unsigned, another key, XSW1-XSW8, comment in the NameID, expired, not yet valid, wrong audience,
recipient, destination or issuer, replay, InResponseTo of another request, status failure, DOCTYPE) and one it
should refuse or warn about (SHA-1). Every URL must be on 127.0.0.1.

  --sp-metadata FILE|URL   your SP's metadata (entityID, ACS, signing key, AuthnRequestsSigned)
  --acs-url URL            the ACS URL to post to (default: the metadata's HTTP-POST ACS)
  --start-url URL          the app URL that starts a login (SP-initiated: InResponseTo is the real request's ID)
  --whoami URL             a page of the app that answers 2xx and names the signed-in user (the safe default), or
  --success RULE           a rule on the ACS answer: status=302, location~^/dashboard, text~Welcome
  --cases LIST             comma-separated case ids (default: all): ${CASE_IDS.join(',')}
  --data DIR               the lab's data folder, where the IdP key pair lives (keys/lab-idp-*.pem)
  --idp-metadata-out FILE  write the lab IdP's metadata (alone: only that, to configure the SP before a run)
  --json                   print {cases: [{id, expect, observed, verdict, evidence}], summary, account}

Exit status: 0 every case as a correct SP should behave, 1 a case VULNERABLE or the valid login not accepted,
2 usage error or unusable input.`;

export async function testSpCommand(argv: string[], io: Io, clock: () => Date = () => new Date()): Promise<number> {
  const { flags, positional } = parseFlags(argv, {
    'sp-metadata': 'string',
    'acs-url': 'string',
    'start-url': 'string',
    whoami: 'string',
    success: 'string',
    cases: 'string',
    data: 'string',
    'idp-metadata-out': 'string',
    json: 'boolean',
    help: 'boolean',
  });
  if (flags.help) {
    io.out(`Usage: ${TEST_SP_USAGE}`);
    io.out(HELP);
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`Unexpected argument "${positional[0]}".\nUsage: ${TEST_SP_USAGE}`);
  const str = (name: string): string | undefined => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  const dataDir = resolve(str('data') ?? defaultDataDir(io.env, process.platform));
  const metadataOut = str('idp-metadata-out');
  const spMetadata = str('sp-metadata');
  if (!spMetadata) {
    if (!metadataOut || str('acs-url') || str('start-url') || str('whoami') || str('success') || str('cases')) {
      throw new UsageError(`Give --sp-metadata (or only --idp-metadata-out to write the lab IdP's metadata).\nUsage: ${TEST_SP_USAGE}`);
    }
  }
  if (str('whoami') && str('success')) throw new UsageError('Give --whoami or --success, not both.');
  if (spMetadata && !str('whoami') && !str('success')) throw new UsageError(`Say how a successful login shows: --whoami URL (a page naming the signed-in user) or --success RULE.\nUsage: ${TEST_SP_USAGE}`);
  if (str('success')) {
    try {
      parseSuccessRule(str('success')!);
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
  }
  let cases: SpTestCaseId[] | undefined;
  if (str('cases')) {
    const list = str('cases')!.split(',').map((c) => c.trim()).filter(Boolean);
    const unknown = list.filter((c) => !(CASE_IDS as readonly string[]).includes(c));
    if (unknown.length || list.length === 0) throw new UsageError(`Unknown case${unknown.length === 1 ? '' : 's'} ${unknown.join(', ') || '(empty list)'}. Cases: ${CASE_IDS.join(', ')}`);
    cases = list as SpTestCaseId[];
  }

  const idp = await loadLabIdp(dataDir);
  if (metadataOut) {
    try {
      await writeFile(metadataOut, idp.metadataXml);
    } catch (error) {
      throw new UsageError(`Cannot write --idp-metadata-out ${metadataOut}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    if (!spMetadata) {
      io.out(`Wrote the lab IdP's metadata (entity ID ${idp.entityId}, SSO ${idp.ssoUrl}) to ${metadataOut}.`);
      return 0;
    }
  }

  const metadataXml = await readSpMetadata(spMetadata!);
  let sp;
  try {
    sp = registrationFrom({ metadataXml, acsUrl: str('acs-url'), startUrl: str('start-url') ?? null, whoamiUrl: str('whoami') ?? null, successRule: str('success') ?? null }, clock());
  } catch (error) {
    if (error instanceof LabError) throw new UsageError(error.message);
    throw error;
  }
  const [user] = await loadDemoUsers(RESOURCES_DIR);
  if (!user) throw new UsageError('resources/demo-users.json lists no user.');
  const report = await runSuite({ idp, sp, user: { nameId: user.nameId, attributes: user.attributes }, cases, clock, rules: DEFAULT_RULES });
  if (flags.json === true) io.out(reportJson(report));
  else for (const line of reportText(report)) io.out(line);
  return report.exitCode;
}

async function readSpMetadata(source: string): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    try {
      return decodeMetadataBytes((await fetchMetadata(source)).bytes);
    } catch (error) {
      throw new UsageError(`Cannot fetch --sp-metadata ${source}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  try {
    return await readFile(source, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read --sp-metadata ${source}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
