import type { CreateAccessKey, DeleteAccessKey } from './control-plane.commands.js';
import type { AccessKeyCreated, AccessKeyDeleted } from './control-plane.events.js';
import type { ControlPlaneState } from './control-plane.state.js';
import { DESCRIPTION_MAX_LENGTH } from './identifiers.js';
import { RulesError } from './rules.errors.js';
import { FieldChecker, isObject } from './validation.js';

export function createAccessKey(command: CreateAccessKey, _state: ControlPlaneState): AccessKeyCreated[] {
  const { accessKeyId, secretCiphertext, input } = command.data;
  const body = input ?? {};
  if (!isObject(body)) throw RulesError.of('VALIDATION_FAILED', '', 'type', 'the body must be a JSON object');
  const check = new FieldChecker();
  check.noUnknownFields(body, ['description']);
  const description = check.string(body, 'description', 'description', true);
  check.maxLength(description, 'description', DESCRIPTION_MAX_LENGTH);
  if (check.violations.length > 0) throw new RulesError('VALIDATION_FAILED', check.violations);
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
