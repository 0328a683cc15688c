/** Every place below the state dir a change writes: none of them may be a link (confined.ts). */
import { BACKUP_ROOT } from './backup.js';
import { LOCK_NAME } from './lock.js';

export const WRITTEN_PLACES = ['devices', 'identity', 'state', 'backups', BACKUP_ROOT, LOCK_NAME];
