// The check catalogue, in the order the inspector shows it. Adding a check = one module + one line here.
import type { CheckModule } from './check.ts';
import { decodeCheck, doctypeCheck, rootCheck, schemaCheck, singleAssertionCheck, uniqueIdsCheck, wellFormedCheck } from './document.ts';
import {
  assertionIssuerCheck,
  audienceCheck,
  confirmationExpiryCheck,
  destinationCheck,
  inResponseToCheck,
  issuerKnownCheck,
  nameIdCheck,
  recipientCheck,
  replayCheck,
  responseIssuerCheck,
  statusCheck,
  timeWindowCheck,
} from './protocol.ts';
import { algorithmCheck, keyInfoTrustedCheck, signatureCoversAssertionCheck, signaturesValidCheck } from './signature.ts';

export const CHECKS: readonly CheckModule[] = [
  decodeCheck,
  doctypeCheck,
  wellFormedCheck,
  rootCheck,
  schemaCheck,
  singleAssertionCheck,
  uniqueIdsCheck,
  issuerKnownCheck,
  signaturesValidCheck,
  signatureCoversAssertionCheck,
  keyInfoTrustedCheck,
  algorithmCheck,
  statusCheck,
  responseIssuerCheck,
  assertionIssuerCheck,
  destinationCheck,
  audienceCheck,
  recipientCheck,
  confirmationExpiryCheck,
  timeWindowCheck,
  inResponseToCheck,
  replayCheck,
  nameIdCheck,
];
