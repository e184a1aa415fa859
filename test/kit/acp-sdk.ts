/**
 * Baton's ACP client SDK (`@agentclientprotocol/sdk` of Baton's package.json), for tests under
 * test/coding-agents: imported from there by name, the package resolves to the older copy the
 * agents installed in test/coding-agents/node_modules bring along.
 */
export * from '@agentclientprotocol/sdk';
