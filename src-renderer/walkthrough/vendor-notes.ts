// What each IdP's admin console calls the SP values, and where its IdP metadata is. Short on purpose: the walkthrough
// shows one vendor at a time next to the values to paste.

/** Which SP value a console field takes. */
export type SpValue = 'entityId' | 'acsUrl' | 'nameIdFormat' | 'metadataUrl' | 'loginUrl';

export interface VendorField {
  /** The field's label in that console. */
  label: string;
  value: SpValue;
  note?: string;
}

export interface VendorNotes {
  id: string;
  name: string;
  /** Where in the console to start. */
  where: string;
  fields: VendorField[];
  /** Attributes to release so the default mapping fills the account. */
  attributes: string;
  /** Where to get the IdP metadata to import in step 1. */
  metadata: string;
  /** How to start an IdP-initiated login there. */
  idpInitiated: string;
  caveat?: string;
}

export const VENDORS: VendorNotes[] = [
  {
    id: 'okta',
    name: 'Okta',
    where: 'Admin Console → Applications → Create App Integration → SAML 2.0 → Configure SAML.',
    fields: [
      { label: 'Single sign-on URL', value: 'acsUrl', note: 'Keep “Use this for Recipient URL and Destination URL” ticked.' },
      { label: 'Audience URI (SP Entity ID)', value: 'entityId' },
      { label: 'Name ID format', value: 'nameIdFormat', note: 'EmailAddress or Unspecified; “Application username” = Email.' },
    ],
    attributes:
      'Attribute Statements: email → user.email, firstName → user.firstName, lastName → user.lastName. Group Attribute Statements: groups, filter “Matches regex” .*',
    metadata: 'The app’s Sign On tab → “Metadata URL” (or “View SAML setup instructions” → IdP metadata).',
    idpInitiated: 'Assign yourself to the app, then click its tile on the Okta End-User Dashboard.',
  },
  {
    id: 'entra',
    name: 'Entra ID',
    where: 'Entra admin center → Enterprise applications → New application → Create your own application → Single sign-on → SAML.',
    fields: [
      { label: 'Identifier (Entity ID)', value: 'entityId' },
      { label: 'Reply URL (Assertion Consumer Service URL)', value: 'acsUrl' },
      { label: 'Sign on URL (optional)', value: 'loginUrl' },
      { label: 'Upload metadata file', value: 'metadataUrl', note: 'Alternative to typing the two values: download the SP metadata and upload it.' },
    ],
    attributes:
      'Attributes & Claims: the defaults send emailaddress, givenname, surname and name as URI claims, which the default mapping reads. “Add a group claim” for groups (sent as object IDs unless you choose names).',
    metadata: 'Single sign-on → SAML Certificates → “Federation Metadata XML” (download).',
    idpInitiated: 'Single sign-on → “Test this application”, or the app’s tile on myapps.microsoft.com.',
    caveat: 'Entra only accepts plain-http Reply URLs for localhost; if it refuses the 127.0.0.1 address, use an https URL in front of the lab.',
  },
  {
    id: 'google',
    name: 'Google Workspace',
    where: 'Admin console → Apps → Web and mobile apps → Add app → Add custom SAML app.',
    fields: [
      { label: 'ACS URL', value: 'acsUrl' },
      { label: 'Entity ID', value: 'entityId' },
      { label: 'Start URL (optional)', value: 'loginUrl' },
      { label: 'Name ID format', value: 'nameIdFormat', note: 'EMAIL, with Name ID = Basic Information › Primary email.' },
    ],
    attributes:
      'Attribute mapping: Primary email → email, First name → firstName, Last name → lastName; “Group membership” → groups.',
    metadata: 'Step “Google Identity Provider details” of the wizard → “Download metadata”.',
    idpInitiated: 'Turn the app ON for your organizational unit (User access), then open it from the Google apps launcher.',
    caveat: 'Google cannot read SP metadata: type the values.',
  },
  {
    id: 'keycloak',
    name: 'Keycloak',
    where: 'Realm → Clients → Create client → Client type SAML (or “Import client” with the SP metadata).',
    fields: [
      { label: 'Client ID', value: 'entityId' },
      { label: 'Assertion Consumer Service POST Binding URL (Advanced tab)', value: 'acsUrl', note: 'Also add it to “Valid redirect URIs”.' },
      { label: 'Name ID format', value: 'nameIdFormat' },
      { label: 'Import client → resource file', value: 'metadataUrl' },
    ],
    attributes:
      'Client scopes → <client>-dedicated → Add mapper: User Property email / firstName / lastName; Group list named groups (turn “Full group path” off).',
    metadata: 'Realm settings → General → Endpoints → “SAML 2.0 Identity Provider Metadata” (/realms/<realm>/protocol/saml/descriptor).',
    idpInitiated: 'Set “IDP-Initiated SSO URL name” on the client, then open /realms/<realm>/protocol/saml/clients/<that name>.',
    caveat: 'Keys tab: turn “Client signature required” off — this lab sends unsigned AuthnRequests.',
  },
  {
    id: 'adfs',
    name: 'AD FS',
    where: 'AD FS Management → Relying Party Trusts → Add Relying Party Trust → Claims aware.',
    fields: [
      { label: 'Import data about the relying party from a file', value: 'metadataUrl' },
      { label: 'Relying party trust identifier', value: 'entityId' },
      { label: 'Relying party SAML 2.0 SSO service URL', value: 'acsUrl' },
    ],
    attributes:
      'Claim issuance policy → Send LDAP Attributes as Claims: E-Mail-Addresses → E-Mail Address, Given-Name → Given Name, Surname → Surname, Token-Groups - Unqualified Names → Group; then Transform an Incoming Claim: E-Mail Address → Name ID (Email).',
    metadata: 'https://<your AD FS host>/FederationMetadata/2007-06/FederationMetadata.xml',
    idpInitiated: 'https://<your AD FS host>/adfs/ls/IdpInitiatedSignOn.aspx (enable it with Set-AdfsProperties -EnableIdpInitiatedSignonPage $true).',
    caveat: 'AD FS accepts only https:// endpoints: put an https reverse proxy in front of the lab’s listener.',
  },
];
