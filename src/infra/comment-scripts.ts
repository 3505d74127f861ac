/**
 * The Lua scripts of the comment store (src/infra/comment-store.ts), each run with EVALSHA.
 *
 * Shared head of the scripts: refuses to write when a key exists with another type (an id that
 * forged another key's name), before anything is written, so nothing is left half-done. One TYPE per
 * key whose name carries an id, once per script call (`checked` remembers the keys a call has seen:
 * a group's decisions share the site's indexes, an author's record, an article's thread); the
 * comment's own hash needs none (`readComment` reads it first, and a wrong type answers the same
 * refusal), nor does its history, a field of that hash (records stored before that keep a history
 * list, checked when written), nor the key of the script's first write (the author's decisions on
 * apply: `typedWrite` runs it under pcall, so a wrong type refuses it before anything else is
 * written), nor a new comment's keys on ingest (author's ids, thread list, article's ids: each write
 * is its own check, undoing the ones before it when refused), nor the site's fixed-name keys (stats,
 * outbox queue, sequences, the priority, age, escalated and Approved/Rejected indexes), whose names no
 * escaped id can spell.
 */
import { KEY_PART_LUA } from './keys';
import { DUE_SCORE_LUA, OUTBOX_PUSH_LUA } from './outbox';

/** Decisions kept in an author's record (\`keys.authorDecisions\`; a few more until the next trim). */
export const AUTHOR_DECISIONS = 50;

/** Prefix of the error a script answers when `CHECK_TYPES` finds a key of the wrong type. */
export const WRONG_KEY_TYPE = 'WRONGKEYTYPE';

/**
 * Lua: the queue indexes a comment sits in. Its \`qidx\` field lists them, except when the only one is
 * the Approved or Rejected listing of its status: that one is implied by the status and not stored (a
 * field fewer in most comments' hash). \`stPre .. status .. stPost\` is that listing's key.
 */
export const QUEUE_INDEXES_LUA = `
local function indexes_of(qidx, status, stPre, stPost)
  if qidx then return cjson.decode(qidx) end
  if status == 'approved' or status == 'rejected' then return {stPre .. status .. stPost} end
  return {}
end
`;

/**
 * Lua: a versioned capped list (an article's thread list, an author's decisions) has a version hash next
 * to it (\`<list key>:v\`): \`n\` counts the entries pushed onto it; \`o\` (Redis's TIME when \`n\` was
 * created) and \`g\` (bumped whenever entries leave it otherwise than by trimming its tail: an edit moving
 * a comment to another article, an erasure) make a token. A reader that saw \`n\` pushes under the same
 * token holds the list as it is but for the newest entries pushed since, so it reads only those
 * (\`LISTS_READ\`). Every write to such a list goes through these (pushes through \`thread_push\` or
 * \`list_pushed\`, removals through \`list_remove\`, \`thread_remove\` or \`list_changed\`); deleting the list deletes
 * its version hash too.
 */
export const LIST_VERSION_LUA = `
local function list_pushed(list)
  if redis.call('HINCRBY', list .. ':v', 'n', 1) == 1 then
    local t = redis.call('TIME')
    redis.call('HSET', list .. ':v', 'o', t[1] .. '.' .. t[2])
  end
end
-- An emptied list (Redis deleted it) loses its version hash too: no key is left named after an erased author.
local function list_changed(list)
  if redis.call('EXISTS', list) == 0 then redis.call('DEL', list .. ':v')
  else redis.call('HINCRBY', list .. ':v', 'g', 1) end
end
-- Removes every entry for which \`matches(entry)\` holds, and bumps the list's version if one went.
local function list_remove(list, matches)
  local removed = false
  for _, e in ipairs(redis.call('LRANGE', list, 0, -1)) do
    if matches(e) then
      redis.call('LREM', list, 0, e)
      removed = true
    end
  end
  if removed then list_changed(list) end
end
-- Removes every entry of comment \`id\` from a thread list (an edit moving it away, an erasure).
local function thread_remove(list, id)
  list_remove(list, function(e) return cjson.decode(e).id == id end)
end
`;

/** The version hash of a versioned capped list (\`LIST_VERSION_LUA\`). */
export const listVersionKey = (list: string) => `${list}:v`;

/**
 * Versioned capped lists, each read against what the reader last saw of it. KEYS: the lists (one
 * cluster slot). ARGV: the cap, then per list the pushes seen (-1: none) and the token seen. Answers per
 * list {pushes, token, 1, the entries pushed since} when the reader's copy is still the list's tail,
 * else {pushes, token, 0, the first \`cap\` entries} (token '' for a list written before versions: not
 * to be kept), or {'error', message} for a key of the wrong type (that list only: the others are read).
 */
export const LISTS_READ = `
local cap = tonumber(ARGV[1])
local function failed(r) return type(r) == 'table' and r['err'] end
local function read(i, key)
  local v = redis.pcall('HMGET', key .. ':v', 'n', 'g', 'o')
  if failed(v) then return {'error', key .. ':v: ' .. v['err']} end
  local n = tonumber(v[1]) or 0
  local token = ''
  if v[3] then token = v[3] .. '/' .. (v[2] or '0') end
  local d = n - tonumber(ARGV[2 * i])
  local onlyNew = token ~= '' and token == ARGV[2 * i + 1] and d >= 0 and d < cap
  if onlyNew and d == 0 then return {n, token, 1, {}} end
  local entries = redis.pcall('LRANGE', key, 0, (onlyNew and d or cap) - 1)
  if failed(entries) then return {'error', key .. ': ' .. entries['err']} end
  return {n, token, onlyNew and 1 or 0, entries}
end
local out = {}
for i, key in ipairs(KEYS) do out[i] = read(i, key) end
return out
`;

const CHECK_TYPES = `${LIST_VERSION_LUA}
local function wrongType(list, checked)
  for i = 1, #list, 2 do
    if not checked[list[i]] then
      local t = redis.call('TYPE', list[i])['ok']
      if t ~= 'none' and t ~= list[i + 1] then return list[i] .. ' is a ' .. t .. ', not a ' .. list[i + 1] end
      checked[list[i]] = true
    end
  end
  return nil
end
-- HMGET of the comment's hash, the script's first command: a key of another type is refused (nothing written yet).
local function readComment(key, ...)
  local r = redis.pcall('HMGET', key, ...)
  if r['err'] then return nil, '${WRONG_KEY_TYPE} ' .. key .. ' is not a hash' end
  return r
end
-- A write that doubles as the type check of its key (saves a TYPE): a key of another type refuses it
-- without writing. Answers the refusal, or nil and the command's reply. Used for a script's first write
-- (nothing written yet), or after writes that the caller undoes exactly when it is refused.
local function typedWrite(expected, cmd, key, ...)
  local r = redis.pcall(cmd, key, ...)
  if type(r) == 'table' and r['err'] then return '${WRONG_KEY_TYPE} ' .. key .. ' is not a ' .. expected end
  return nil, r
end
-- A capped list (thread list, author's decisions) is trimmed back to \`cap\` only once it has grown a quarter
-- past it: readers take at most \`cap\` entries, so the few extra are never read, and most pushes need no LTRIM.
local function trim_capped(key, length, cap)
  if length > cap + math.floor(cap / 4) then redis.call('LTRIM', key, 0, cap - 1) end
end
local function push_capped(key, value, cap)
  trim_capped(key, redis.call('LPUSH', key, value), cap)
end
local function thread_push(list, entry, cap)
  push_capped(list, entry, cap)
  list_pushed(list)
end
-- A comment's history is a JSON array in its hash's 'h' field; records stored before that keep theirs
-- in the history list (h nil), where their new entries go too (its type checked first, as before).
local function appended(h, entry) return string.sub(h, 1, -2) .. ',' .. entry .. ']' end
local function legacyHistoryRefused(h, listKey, checked)
  if h then return nil end
  local bad = wrongType({listKey, 'list'}, checked)
  if bad then return '${WRONG_KEY_TYPE} ' .. bad end
  return nil
end
`;


// One delivery: K (keys) comment, history, article's comment ids, article's thread list, the author's
// comment ids. C (its args) commentJson, bodyHash, commentId, threadEntryJson, articleId. S (shared by a
// call's deliveries) nowIso, nowMs, threadCap, then the ids key, thread list key and flagged-by-article
// key each split around the article id (to reach the old article's when an edit moves the comment),
// and the Approved/Rejected listing's key split around the status.
// Answers {outcome, status} or {'error', message}.
const INGEST_ONE = `${CHECK_TYPES}${KEY_PART_LUA}${QUEUE_INDEXES_LUA}
local function history(event, S, C)
  return '{"at":"' .. S[1] .. '","event":"' .. event .. '","by":"cms","to":"queued","bodyHash":"' .. C[2] .. '"}'
end
-- A new comment: each write to a key named after an id is its own type check, and a refused one undoes
-- the writes before it exactly (the id leaves the author's set only if this call added it; the thread
-- entry this call pushed is the list's head), so nothing is left half-written and no TYPE is needed.
local function created(K, C, S)
  local refused, added = typedWrite('set', 'SADD', K[5], C[3])
  if refused then return {'error', refused} end
  local length
  refused, length = typedWrite('list', 'LPUSH', K[4], C[4])
  if not refused then
    refused = typedWrite('zset', 'ZADD', K[3], S[2], C[3])
    if refused then redis.call('LPOP', K[4]) end
  end
  if refused then
    if added == 1 then redis.call('SREM', K[5], C[3]) end
    return {'error', refused}
  end
  trim_capped(K[4], length, tonumber(S[3]))
  list_pushed(K[4])
  redis.call('HSET', K[1], 'comment', C[1], 'bodyHash', C[2], 'status', 'queued', 'receivedAt', S[1], 'updatedAt', S[1], 'h', '[' .. history('received', S, C) .. ']', 'sq', 0)
  return {'created', 'queued'}
end
local function ingest(K, C, S, checked)
  local cur, refused = readComment(K[1], 'bodyHash', 'status', 'qidx', 'comment', 'h')
  if refused then return {'error', refused} end
  if not cur[1] then return created(K, C, S) end
  local bad = wrongType({K[3], 'zset', K[4], 'list'}, checked)
  if bad then return {'error', '${WRONG_KEY_TYPE} ' .. bad} end
  refused = legacyHistoryRefused(cur[5], K[2], checked)
  if refused then return {'error', refused} end
  -- An edit may move the comment to another article: it leaves the old thread for the new one.
  local old = cjson.decode(cur[4]).articleId
  local moved = old ~= C[5]
  if moved then
    local oldIds = S[4] .. key_part(old) .. S[5]
    local score = redis.call('ZSCORE', oldIds, C[3]) or S[2]
    redis.call('ZREM', oldIds, C[3])
    redis.call('ZADD', K[3], score, C[3])
    local oldList = S[6] .. key_part(old) .. S[7]
    thread_remove(oldList, C[3])
  end
  if cur[1] == C[2] then
    if not moved then return {'duplicate', cur[2]} end
    -- Same text under another article: same decision; thread and article filter follow the article.
    if cur[3] then
      local ks = cjson.decode(cur[3])
      for i, k in ipairs(ks) do
        if k == S[8] .. key_part(old) .. S[9] then
          local sc = redis.call('ZSCORE', k, C[3])
          redis.call('ZREM', k, C[3])
          ks[i] = S[8] .. key_part(C[5]) .. S[9]
          if sc then redis.call('ZADD', ks[i], sc, C[3]) end
        end
      end
      redis.call('HSET', K[1], 'qidx', cjson.encode(ks))
    end
    redis.call('HSET', K[1], 'comment', C[1], 'updatedAt', S[1])
    thread_push(K[4], C[4], tonumber(S[3]))
    return {'duplicate', cur[2]}
  end
  for _, k in ipairs(indexes_of(cur[3], cur[2], S[10], S[11])) do redis.call('ZREM', k, C[3]) end
  if cur[3] then redis.call('HDEL', K[1], 'qidx') end
  local entry = history('edited', S, C)
  if cur[5] then
    redis.call('HSET', K[1], 'comment', C[1], 'bodyHash', C[2], 'status', 'queued', 'updatedAt', S[1], 'h', appended(cur[5], entry))
  else
    redis.call('HSET', K[1], 'comment', C[1], 'bodyHash', C[2], 'status', 'queued', 'updatedAt', S[1])
    redis.call('RPUSH', K[2], entry)
  end
  thread_push(K[4], C[4], tonumber(S[3]))
  return {'edited', 'queued'}
end
`;

/** Keys and arguments per delivery in `INGEST` and `INGEST_MANY`, after the shared arguments. */
export const INGEST_KEYS = 5;
export const INGEST_ARGS = 5;
export const INGEST_SHARED = 11;

/** One delivery; a refusal is an error reply. ARGV: the shared arguments, then the delivery's. */
export const INGEST = `${INGEST_ONE}
local S, C = {}, {}
for i = 1, ${INGEST_SHARED} do S[i] = ARGV[i] end
for i = 1, ${INGEST_ARGS} do C[i] = ARGV[${INGEST_SHARED} + i] end
local r = ingest(KEYS, C, S, {})
if r[1] == 'error' then return redis.error_reply(r[2]) end
return r
`;

/** Several deliveries to one site (a batch request): one answer each, a refused one answering {'error', message}. */
export const INGEST_MANY = `${INGEST_ONE}
local S, checked, out = {}, {}, {}
for i = 1, ${INGEST_SHARED} do S[i] = ARGV[i] end
for n = 0, #KEYS / ${INGEST_KEYS} - 1 do
  local K, C = {}, {}
  for k = 1, ${INGEST_KEYS} do K[k] = KEYS[n * ${INGEST_KEYS} + k] end
  for a = 1, ${INGEST_ARGS} do C[a] = ARGV[${INGEST_SHARED} + n * ${INGEST_ARGS} + a] end
  out[n + 1] = ingest(K, C, S, checked)
end
return out
`;

// One decision: K (keys) comment, history, author decisions, stats, outbox list, outbox due, sequences
// (the site's, where comments stored before the 'sq' field keep their last event's number).
// (Retention reads the Approved/Rejected listings, scored by decision time: no index of its own.) A (args)
// mode, bodyHash, decisionJson, status, historyJson, authorEntryJson, indexesJson ([key, score] pairs, a
// third element 1 on keys whose type is to be checked), commentId, nowIso, subject, eventId, eventBodyJson,
// nowMs, then the Approved/Rejected listing's key split around the status. The CMS event goes to the
// outbox in the same write. Answers {outcome, previous status, sequence} or {'error', message}.
//
// Writes to keys a call's decisions share (queue indexes, the stats counters, the outbox's due set) are
// gathered in \`batch\` and written once per key at the end of the call (\`flush\`): a group of decisions
// costs one ZADD per index and one HINCRBY per status, not one each. A comment leaving an index drops
// its pending entry there too, so the order of a call's writes is kept.
const APPLY_ONE = `${CHECK_TYPES}${OUTBOX_PUSH_LUA}${DUE_SCORE_LUA}${QUEUE_INDEXES_LUA}
local function new_batch() return {zsets = {}, order = {}, due = {}, stats = {}} end
local function pending_zset(batch, key, flag)
  local z = batch.zsets[key]
  if not z then
    z = {members = {}, order = {}, flag = flag}
    batch.zsets[key] = z
    table.insert(batch.order, key)
  end
  return z
end
local function batch_zadd(batch, key, score, member, flag)
  local z = pending_zset(batch, key, flag)
  if z.members[member] == nil then table.insert(z.order, member) end
  z.members[member] = score
end
local function batch_zrem(batch, key, member)
  local z = batch.zsets[key]
  if z and z.members[member] ~= nil then z.members[member] = false end
  redis.call('ZREM', key, member)
end
local function flush(batch)
  for _, key in ipairs(batch.order) do
    local z, args = batch.zsets[key], {}
    for _, m in ipairs(z.order) do
      if z.members[m] then table.insert(args, z.members[m]); table.insert(args, m) end
    end
    if #args > 0 then zadd_all(key, z.flag, args) end
  end
  for key, counts in pairs(batch.stats) do
    for status, n in pairs(counts) do redis.call('HINCRBY', key, status, n) end
  end
end
local function apply(K, A, checked, batch)
  local pairs_ = cjson.decode(A[7])
  local checks = {}
  for _, pair in ipairs(pairs_) do
    if pair[3] then table.insert(checks, pair[1]); table.insert(checks, 'zset') end
  end
  local bad = wrongType(checks, checked)
  if bad then return {'error', '${WRONG_KEY_TYPE} ' .. bad} end
  local cur, refused = readComment(K[1], 'bodyHash', 'moderated', 'qidx', 'status', 'h', 'sq')
  if refused then return {'error', refused} end
  if not cur[1] then return {'missing', ''} end
  if cur[1] ~= A[2] then return {'stale', cur[4]} end
  if A[1] == 'auto' then
    if cur[2] == A[2] then return {'moderated', cur[4]} end
    if cur[4] ~= 'queued' then return {'duplicate', cur[4]} end
  end
  refused = legacyHistoryRefused(cur[5], K[2], checked)
  if refused then return {'error', refused} end
  local decisions
  refused, decisions = typedWrite('list', 'LPUSH', K[3], A[6])
  if refused then return {'error', refused} end
  -- The event's number: the comment's last one, kept in its hash ('sq'; before that, in the site's hash).
  local legacySeq = nil
  if not cur[6] then legacySeq = redis.call('HGET', K[7], A[10]) end
  local seq = tonumber(cur[6] or legacySeq or '0') + 1
  -- The CMS event next: its list's RPUSH is that key's type check; refused, the author's entry is taken back.
  if outbox_push(K[5], A[11], seq, A[12]) then
    redis.call('LPOP', K[3])
    return {'error', '${WRONG_KEY_TYPE} ' .. K[5] .. ' is not a list'}
  end
  list_pushed(K[3])
  batch_zadd(batch, K[6], A[13], A[10], 'NX')
  for _, k in ipairs(indexes_of(cur[3], cur[4], A[14], A[15])) do batch_zrem(batch, k, A[8]) end
  local keys = {}
  for _, pair in ipairs(pairs_) do
    batch_zadd(batch, pair[1], pair[2], A[8])
    table.insert(keys, pair[1])
  end
  local fields = {'status', A[4], 'decision', A[3], 'updatedAt', A[9], 'sq', seq}
  local implied = indexes_of(nil, A[4], A[14], A[15])
  local storeQidx = #keys > 1 or (#keys == 1 and keys[1] ~= implied[1])
  if storeQidx then table.insert(fields, 'qidx'); table.insert(fields, cjson.encode(keys)) end
  if A[1] == 'moderator' then table.insert(fields, 'moderated'); table.insert(fields, A[2]) end
  if cur[5] then table.insert(fields, 'h'); table.insert(fields, appended(cur[5], A[5])) end
  redis.call('HSET', K[1], unpack(fields))
  if cur[3] and not storeQidx then redis.call('HDEL', K[1], 'qidx') end
  if legacySeq then redis.call('HDEL', K[7], A[10]) end
  if not cur[5] then redis.call('RPUSH', K[2], A[5]) end
  trim_capped(K[3], decisions, ${AUTHOR_DECISIONS})
  local counts = batch.stats[K[4]] or {}
  counts[A[4]] = (counts[A[4]] or 0) + 1
  batch.stats[K[4]] = counts
  return {'applied', cur[4], seq}
end
`;

/** Keys and arguments per decision in `APPLY` and `APPLY_MANY`. */
export const APPLY_KEYS = 7;
export const APPLY_ARGS = 15;

/** One decision; a refusal is an error reply. */
export const APPLY = `${APPLY_ONE}
local batch = new_batch()
local r = apply(KEYS, ARGV, {}, batch)
flush(batch)
if r[1] == 'error' then return redis.error_reply(r[2]) end
return r
`;

/**
 * Several decisions of one site (a moderation group), ${APPLY_KEYS} keys and ${APPLY_ARGS} arguments each:
 * one answer per decision, a refused one answering {'error', message} without stopping the others.
 */
export const APPLY_MANY = `${APPLY_ONE}
local checked, out, batch = {}, {}, new_batch()
for i = 0, #KEYS / ${APPLY_KEYS} - 1 do
  local K, A = {}, {}
  for k = 1, ${APPLY_KEYS} do K[k] = KEYS[i * ${APPLY_KEYS} + k] end
  for a = 1, ${APPLY_ARGS} do A[a] = ARGV[i * ${APPLY_ARGS} + a] end
  out[i + 1] = apply(K, A, checked, batch)
end
flush(batch)
return out
`;
