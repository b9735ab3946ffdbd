import type { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { ControlPlaneCommand, ControlPlaneState } from '#libs/rules';
import { ReadControlPlane } from '../read-model/read-control-plane.query.js';
import { ChangeControlPlane, type RequestContext } from './change-control-plane.command.js';

/** What tells one kind of registered resource (groups, RocketMQ instances) from another. */
export interface ResourceKind<Item> {
  /** The collection's REST path, `/api/v1/groups`: a registered item's `Location` is below it. */
  path: string;
  itemsOf(state: ControlPlaneState): Record<string, Item>;
  /** The ID's field, in the item and in the data of the event that registered it. */
  idKey: keyof Item & string;
  /** The item, or the refusal (404 with the kind's problem code) when there is none of that ID. */
  existing(state: ControlPlaneState, id: string): Item;
  representation(item: Item): unknown;
}

/**
 * A registered resource's use cases, the same for every kind (as the console's resource page is) and for every
 * transport (REST, gRPC): register, list in ID order, get, update and delete. The adapters keep the commands.
 */
export class RegisteredResource<Item> {
  constructor(
    private readonly kind: ResourceKind<Item>,
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  /** The registered item, and its `Location`. */
  async register(command: ControlPlaneCommand, context: RequestContext) {
    const { events, state } = await this.change(command, context);
    const id = String((events[0]!.data as Record<string, unknown>)[this.kind.idKey]);
    const location = `${this.kind.path}/${encodeURIComponent(id)}`;
    return { location, item: this.kind.representation(this.kind.existing(state, id)) };
  }

  async list() {
    const idOf = (item: Item) => String(item[this.kind.idKey]);
    const representations = Object.values(this.kind.itemsOf(await this.read()))
      .sort((a, b) => idOf(a).localeCompare(idOf(b)))
      .map((item) => this.kind.representation(item));
    return { items: representations, total: representations.length };
  }

  async get(id: string) {
    return this.kind.representation(this.kind.existing(await this.read(), id));
  }

  async update(command: ControlPlaneCommand, id: string, context: RequestContext) {
    const { state } = await this.change(command, context);
    return this.kind.representation(this.kind.existing(state, id));
  }

  async delete(command: ControlPlaneCommand, context: RequestContext): Promise<void> {
    await this.change(command, context);
  }

  private read(): Promise<ControlPlaneState> {
    return this.queryBus.execute(new ReadControlPlane());
  }

  private change(command: ControlPlaneCommand, context: RequestContext) {
    return this.commandBus.execute(new ChangeControlPlane(command, context));
  }
}
