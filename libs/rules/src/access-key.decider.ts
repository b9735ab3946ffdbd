import type { CreateAccessKey, DeleteAccessKey } from './control-plane.commands.js';
import type { AccessKeyCreated, AccessKeyDeleted } from './control-plane.events.js';
import type { ControlPlaneState } from './control-plane.state.js';
import { parseInput } from './input-schema.js';
import { RulesError } from './rules.errors.js';
import { ACCESS_KEY_INPUT } from './rules.schemas.js';

export function createAccessKey(command: CreateAccessKey, _state: ControlPlaneState): AccessKeyCreated[] {
  const { accessKeyId, secretCiphertext, input } = command.data;
  const { description } = parseInput(ACCESS_KEY_INPUT, input ?? {});
  return [
    {
      type: 'AccessKeyCreated',
      data: { accessKeyId, secretCiphertext, ...(description !== undefined && { description }) },
    },
  ];
}

export function deleteAccessKey(command: DeleteAccessKey, state: ControlPlaneState): AccessKeyDeleted[] {
  const { accessKeyId } = command.data;
  if (!Object.hasOwn(state.accessKeys, accessKeyId)) {
    throw RulesError.of(
      'ACCESS_KEY_NOT_FOUND',
      'accessKeyId',
      'exists',
      `access key ${accessKeyId} does not exist`,
    );
  }
  return [{ type: 'AccessKeyDeleted', data: { accessKeyId } }];
}
