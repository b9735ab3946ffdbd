import { field, h } from '../lib/dom.js';
import { dateTime } from '../lib/format.js';
import { resourcePage } from '../lib/resource-page.js';

/**
 * RocketMQ destinations: a gRPC proxy (endpoints) or name servers over the remoting protocol (nameServer), one of
 * the two. The secret key is write-only: never shown, only whether one is set.
 */
export const instancesPage = (main, session) =>
  resourcePage(main, session, {
    title: 'RocketMQ instances',
    noun: 'RocketMQ instance',
    collection: '/rocketmq-instances',
    key: 'instanceId',
    columns: ['Instance ID', 'Region', 'Protocol', 'Address', 'Namespace', 'TLS', 'Access key', 'Created at'],
    cells: (instance) => [
      h('strong', {}, instance.instanceId),
      instance.region,
      instance.nameServer ? 'Remoting (name server)' : 'gRPC proxy',
      h('span', { class: 'mono' }, instance.nameServer ?? instance.endpoints),
      instance.namespace ?? '',
      instance.tls ? 'Yes' : 'No',
      instance.accessKey ? `${instance.accessKey} (secret set)` : 'None',
      dateTime(instance.createdAt),
    ],
    fields: (instance) => [
      field(
        'Instance ID',
        h('input', { name: 'instanceId', value: instance?.instanceId, readonly: !!instance, required: true }),
      ),
      field('Region', h('input', { name: 'region', value: instance?.region, required: true })),
      field(
        'Endpoints',
        h('input', { name: 'endpoints', value: instance?.endpoints }),
        'The gRPC proxy (RocketMQ 5), host:port.',
      ),
      field(
        'Name server',
        h('input', { name: 'nameServer', value: instance?.nameServer }),
        'Instead of endpoints: RocketMQ 4.x name servers, host:port[;host:port…], over the remoting protocol (no TLS).',
      ),
      field('Namespace', h('input', { name: 'namespace', value: instance?.namespace })),
      field('Access key', h('input', { name: 'accessKey', autocomplete: 'off' })),
      field(
        'Secret key',
        h('input', { name: 'secretKey', type: 'password', autocomplete: 'new-password' }),
        instance?.accessKey ? 'Leave both keys empty to keep the current ones.' : undefined,
      ),
      field(
        'TLS',
        h(
          'select',
          { name: 'tls' },
          h('option', { value: 'false' }, 'No'),
          h('option', { value: 'true', selected: instance?.tls }, 'Yes'),
        ),
      ),
    ],
    body: (form, instance) => {
      const value = (name) => form.elements.namedItem(name).value;
      return {
        ...(!instance && { instanceId: value('instanceId') }),
        region: value('region'),
        ...(value('endpoints') !== '' && { endpoints: value('endpoints') }),
        ...(value('nameServer') !== '' && { nameServer: value('nameServer') }),
        ...(value('namespace') !== '' && { namespace: value('namespace') }),
        // Both or neither: empty keys keep the stored credentials.
        ...((value('accessKey') !== '' || value('secretKey') !== '') && {
          accessKey: value('accessKey'),
          secretKey: value('secretKey'),
        }),
        tls: value('tls') === 'true',
      };
    },
  });
