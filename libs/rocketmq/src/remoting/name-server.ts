/** `host:port[;host:port…]`, as RocketMQ's own clients take `namesrvAddr`. */
const ADDRESS = /^(?<host>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(?<port>\d{1,5})$/;

export class NameServerAddressError extends TypeError {
  override name = 'NameServerAddressError';
}

/** The name server addresses of `nameServer`; throws NameServerAddressError naming the rule it breaks. */
export function parseNameServer(nameServer: string): string[] {
  const addresses = nameServer.split(';').map((address) => address.trim());
  for (const address of addresses) {
    const port = Number(ADDRESS.exec(address)?.groups?.port);
    if (!(port >= 1 && port <= 65_535))
      throw new NameServerAddressError(
        `nameServer must be host:port[;host:port…] with ports 1-65535, got ${JSON.stringify(address)} in ${JSON.stringify(nameServer)}`,
      );
  }
  return addresses;
}
