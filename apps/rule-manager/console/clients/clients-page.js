import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { clientLookup } from './client-lookup.js';
import { groupClients } from './group-clients.js';

/**
 * Clients: one client's status, channels and trace (search by client ID), and per group the online count and
 * list. Both refresh every few seconds. `#/clients/<clientId>` opens a client, `#/clients/<groupId>` a group.
 */
export async function clientsPage(main, session, selected) {
  const { items: groups } = await api('GET', '/groups');
  const isClient = selected?.includes('@@@');
  const client = clientLookup(session, isClient ? selected : undefined);
  const group = groupClients(
    groups.map((g) => g.groupId),
    isClient ? selected.split('@@@')[0] : selected,
  );
  main.replaceChildren(h('h1', {}, 'Clients'), client.element, group.element);
  return () => {
    client.stop();
    group.stop();
  };
}
