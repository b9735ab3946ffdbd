import { path } from '../lib/api.js';
import { field, h } from '../lib/dom.js';
import { dateTime } from '../lib/format.js';
import { resourcePage } from '../lib/resource-page.js';

/** Registered Group IDs: only their clients may connect. */
export const groupsPage = (main, session) =>
  resourcePage(main, session, {
    title: 'Groups',
    noun: 'group',
    collection: '/groups',
    key: 'groupId',
    columns: ['Group ID', 'Description', 'Created at', 'Clients'],
    cells: (group) => [
      h('strong', {}, group.groupId),
      group.description ?? '',
      dateTime(group.createdAt),
      h('a', { href: `#/clients/${path(group.groupId)}` }, 'Online clients'),
    ],
    fields: (group) => [
      field(
        'Group ID',
        h('input', { name: 'groupId', value: group?.groupId, readonly: !!group, required: true }),
        'GID_ or GID- then A-Z a-z 0-9 - _, 7–64 characters.',
      ),
      field('Description', h('input', { name: 'description', maxlength: 256, value: group?.description })),
    ],
    body: (form, group) => {
      const description = form.elements.namedItem('description').value;
      return {
        ...(!group && { groupId: form.elements.namedItem('groupId').value }),
        ...(description !== '' && { description }),
      };
    },
  });
