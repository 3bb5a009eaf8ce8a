export { anyUserExists, findOrCreateUser, findUserByEmail, findUserById, setUserPassword, type User } from './users.js';
export { addMember, changeMember, findMember, listMembers, listMemberships, type Member, type MemberChange } from './members.js';
export {
  createSession,
  deleteSessionByToken,
  deleteStaleSessions,
  deleteUserSessions,
  findSessionByToken,
  touchSession,
  type Session,
} from './sessions.js';
export { createInvitation, takeInvitation, type TakenInvitation } from './invitations.js';
export { createPasswordReset, takePasswordReset, type TakenReset } from './password-resets.js';
export { createSetupToken, deleteSetupTokens, takeSetupToken } from './setup-tokens.js';
export { clearLoginFailures, recentLoginFailures, recordLoginFailure } from './login-failures.js';
