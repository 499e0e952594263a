/* The sandbox chat page: sends the person's actions to /sandbox/api and polls for the bot's answers. */
/* global window, document, navigator, localStorage, setTimeout, clearTimeout, fetch, FormData, URLSearchParams, L, NeedLineRender, NeedLineRichMenu */
'use strict';

(function () {
  const strings = JSON.parse(document.getElementById('sandbox-strings').textContent);
  const POLL_MS = 1000;
  const MAX_PHOTOS = 10;
  const KHAO_KHO = [16.6436, 101.1307];

  function t(key, vars) {
    let value = key
      .split('.')
      .reduce((node, part) => (node && typeof node === 'object' ? node[part] : undefined), strings);
    if (typeof value !== 'string') return key;
    for (const [name, replacement] of Object.entries(vars || {}))
      value = value.split('{{' + name + '}}').join(String(replacement));
    return value;
  }

  const $ = (id) => document.getElementById(id);
  const picker = $('user-picker');
  const log = $('chat-log');
  const quickReplies = $('quick-replies');
  const composer = $('composer');
  const input = $('message-input');
  const status = $('status');
  const typing = $('typing');
  const followButton = $('follow-button');
  const blockButton = $('block-button');
  const blockedNotice = $('blocked-notice');
  const photoInput = $('photo-input');

  const state = {
    users: [],
    userId: null,
    cursor: '',
    generation: 0,
    lastEntry: null,
    friendship: 'none',
    pollTimer: null,
  };
  const ctx = { t, onAction: runAction };
  const richMenu = NeedLineRichMenu.create($('rich-menu'), runAction);

  // ---- the server ----

  async function api(path, options) {
    const response = await fetch(path, options);
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error((body.error && body.error.message) || 'HTTP ' + response.status);
    return body;
  }

  // Actions of one person go out one after another, as on a phone.
  let queue = Promise.resolve();
  function enqueue(task) {
    queue = queue.then(task).catch(() => {
      status.textContent = t('errors.sendFailed');
    });
    return queue;
  }

  function sendAction(action) {
    const userId = state.userId;
    return enqueue(async () => {
      status.textContent = '';
      const result = await api('/sandbox/api/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId, action }),
      });
      if (userId === state.userId && result.friendship) setFriendship(result.friendship);
      reportDelivery(result.webhookStatus);
      await poll();
    });
  }

  function sendPhotos(files) {
    if (files.length > MAX_PHOTOS) {
      status.textContent = t('errors.tooManyPhotos');
      return;
    }
    const form = new FormData();
    form.append('userId', state.userId);
    for (const file of files) form.append('photos', file, file.name);
    return enqueue(async () => {
      status.textContent = '';
      const result = await api('/sandbox/api/photos', { method: 'POST', body: form });
      const failed = result.photos.find((photo) => !isOk(photo.webhookStatus));
      if (failed) reportDelivery(failed.webhookStatus);
      await poll();
    });
  }

  const isOk = (webhookStatus) => webhookStatus >= 200 && webhookStatus < 300;

  function reportDelivery(webhookStatus) {
    if (isOk(webhookStatus)) return;
    status.textContent = webhookStatus ? t('notDelivered', { status: webhookStatus }) : t('notReachable');
  }

  // ---- the conversation ----

  /**
   * One poll at a time: an action polls at once while the timer's poll may be in flight, and two
   * polls from the same cursor would both show the same new messages.
   */
  let polling = Promise.resolve();
  function poll() {
    const next = polling.then(pollOnce, pollOnce);
    polling = next.catch(() => undefined);
    return next;
  }

  async function pollOnce() {
    const generation = state.generation;
    const query = new URLSearchParams({ userId: state.userId, after: state.cursor });
    const result = await api('/sandbox/api/messages?' + query);
    if (generation !== state.generation) return;
    richMenu.follow(state.userId, result.richMenuId);
    if (result.cursor === state.cursor && !result.items.length) {
      showTyping(result.typingUntil);
      return;
    }
    state.cursor = result.cursor;
    for (const entry of result.items) append(entry);
    showTyping(result.typingUntil);
    showQuickReplies();
  }

  function schedulePoll() {
    clearTimeout(state.pollTimer);
    state.pollTimer = setTimeout(async () => {
      try {
        await poll();
        if (status.textContent === t('errors.pollFailed')) status.textContent = '';
      } catch {
        status.textContent = t('errors.pollFailed');
      }
      schedulePoll();
    }, POLL_MS);
  }

  function showTyping(until) {
    typing.hidden = !(until && until > Date.now());
  }

  function append(entry) {
    const empty = log.querySelector('.empty');
    if (empty) empty.remove();
    const item = document.createElement('li');
    const time = new Date(entry.at).toLocaleTimeString(document.documentElement.lang, {
      hour: '2-digit',
      minute: '2-digit',
    });
    if (entry.from === 'user' && (entry.kind === 'follow' || entry.kind === 'unfollow')) {
      item.className = 'entry system';
      const note = document.createElement('span');
      note.className = 'note';
      note.textContent = t(entry.kind === 'follow' ? 'followed' : 'unfollowed');
      item.append(note);
    } else if (entry.from === 'user') {
      item.className = 'entry user';
      const message =
        entry.kind === 'postback'
          ? entry.displayText
            ? { type: 'text', text: entry.displayText }
            : null
          : entry.message;
      if (!message) return addFailure(entry, null);
      item.append(who(t('you')), NeedLineRender.renderMessage(message, ctx, 'user'));
    } else {
      item.className = 'entry bot';
      const type = entry.message.type;
      if (type === 'flex' || type === 'template') item.classList.add('wide');
      item.append(who(t('bot')), NeedLineRender.renderMessage(entry.message, ctx, 'bot'));
    }
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = time;
    item.append(meta);
    log.append(item);
    addFailure(entry, item);
    state.lastEntry = entry;
    log.scrollTop = log.scrollHeight;
  }

  /** A tap LINE shows nothing for still ends quick replies; a failed delivery is flagged. */
  function addFailure(entry, item) {
    state.lastEntry = entry;
    if (entry.from !== 'user' || entry.webhookStatus === null || isOk(entry.webhookStatus)) return;
    const flag = document.createElement('span');
    flag.className = 'failed';
    flag.textContent = entry.webhookStatus
      ? t('notDelivered', { status: entry.webhookStatus })
      : t('notReachable');
    if (item) item.append(flag);
    else {
      const li = document.createElement('li');
      li.className = 'entry user';
      li.append(flag);
      log.append(li);
    }
  }

  function who(name) {
    const span = document.createElement('span');
    span.className = 'who';
    span.textContent = name;
    return span;
  }

  /** LINE shows quick replies only under the newest message, and only until the person answers. */
  function showQuickReplies() {
    quickReplies.replaceChildren();
    const entry = state.lastEntry;
    const items =
      entry && entry.from === 'bot' && entry.message.quickReply ? entry.message.quickReply.items || [] : [];
    for (const item of items) {
      const action = item.action || {};
      const chip = document.createElement('button');
      chip.type = 'button';
      chip.textContent = action.label || action.text || '';
      chip.addEventListener('click', () => runAction(action));
      quickReplies.append(chip);
    }
    quickReplies.hidden = items.length === 0 || state.friendship === 'blocked';
  }

  // ---- actions from buttons, cards and quick replies ----

  function runAction(action) {
    if (!action || state.friendship === 'blocked') return;
    switch (action.type) {
      case 'message':
        return sendAction({ type: 'text', text: action.text });
      case 'postback':
        return sendAction({
          type: 'postback',
          data: action.data,
          ...(action.displayText
            ? { displayText: action.displayText }
            : action.text
              ? { displayText: action.text }
              : {}),
        });
      case 'richmenuswitch':
        // LINE switches the menu, then tells the bot in a postback.
        return sendAction({
          type: 'richmenuswitch',
          richMenuAliasId: action.richMenuAliasId,
          data: action.data,
        });
      case 'datetimepicker':
        return pickDatetime(action);
      case 'uri':
        if (/^(https?:|tel:|mailto:)/i.test(action.uri || '')) window.open(action.uri, '_blank', 'noopener');
        return;
      case 'camera':
      case 'cameraRoll':
        return photoInput.click();
      case 'location':
        return openLocation();
      case 'clipboard':
        if (navigator.clipboard) {
          navigator.clipboard
            .writeText(action.clipboardText || '')
            .then(() => (status.textContent = t('copied')));
        }
        return;
      default:
        return;
    }
  }

  // ---- dialogs ----

  for (const button of document.querySelectorAll('[data-close]')) {
    button.addEventListener('click', () => button.closest('dialog').close());
  }

  const datetimeDialog = $('datetime-dialog');
  const datetimeInput = $('datetime-input');
  let pendingPicker = null;

  function pickDatetime(action) {
    const mode = action.mode === 'date' || action.mode === 'time' ? action.mode : 'datetime';
    pendingPicker = { action, mode };
    datetimeInput.type = mode === 'datetime' ? 'datetime-local' : mode;
    for (const attribute of ['min', 'max']) {
      if (action[attribute]) datetimeInput.setAttribute(attribute, action[attribute]);
      else datetimeInput.removeAttribute(attribute);
    }
    datetimeInput.value = action.initial || '';
    $('datetime-title').textContent = action.label || t('datetimeDialog.' + mode);
    $('datetime-label').textContent = t('datetimeDialog.' + mode);
    datetimeDialog.showModal();
    datetimeInput.focus();
  }

  $('datetime-form').addEventListener('submit', () => {
    if (!pendingPicker || !datetimeInput.value) return;
    const { action, mode } = pendingPicker;
    pendingPicker = null;
    sendAction({
      type: 'postback',
      data: action.data,
      params: { [mode]: datetimeInput.value.slice(0, { date: 10, time: 5, datetime: 16 }[mode]) },
    });
  });

  const locationDialog = $('location-dialog');
  const latitude = $('latitude');
  const longitude = $('longitude');
  let map = null;
  let marker = null;

  function openLocation() {
    locationDialog.showModal();
    $('location-error').textContent = '';
    if (!map && window.L) {
      map = L.map('map', { keyboard: true }).setView(KHAO_KHO, 12);
      L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
        maxZoom: 19,
        attribution: '&copy; OpenStreetMap contributors',
      }).addTo(map);
      map.on('click', (event) => placePin(event.latlng.lat, event.latlng.lng, true));
    }
    if (map) setTimeout(() => map.invalidateSize(), 0);
    latitude.focus();
  }

  function placePin(lat, lng, fillInputs) {
    if (fillInputs) {
      latitude.value = lat.toFixed(6);
      longitude.value = lng.toFixed(6);
    }
    if (!map) return;
    if (marker) marker.setLatLng([lat, lng]);
    else marker = L.marker([lat, lng]).addTo(map);
  }

  for (const field of [latitude, longitude]) {
    field.addEventListener('change', () => {
      const lat = Number(latitude.value);
      const lng = Number(longitude.value);
      if (latitude.value && longitude.value && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
        placePin(lat, lng, false);
        if (map) map.panTo([lat, lng]);
      }
    });
  }

  $('location-form').addEventListener('submit', (event) => {
    const lat = Number(latitude.value);
    const lng = Number(longitude.value);
    if (
      latitude.value === '' ||
      longitude.value === '' ||
      !(Math.abs(lat) <= 90) ||
      !(Math.abs(lng) <= 180)
    ) {
      event.preventDefault();
      $('location-error').textContent = t('locationDialog.badCoordinates');
      return;
    }
    const title = $('place-title').value.trim();
    const address = $('place-address').value.trim();
    sendAction({
      type: 'location',
      latitude: lat,
      longitude: lng,
      ...(title ? { title } : {}),
      ...(address ? { address } : {}),
    });
  });

  const stickerDialog = $('sticker-dialog');
  $('sticker-button').addEventListener('click', () => stickerDialog.showModal());
  for (const choice of document.querySelectorAll('.sticker-choice')) {
    choice.addEventListener('click', () => {
      stickerDialog.close();
      sendAction({ type: 'sticker', packageId: choice.dataset.package, stickerId: choice.dataset.sticker });
    });
  }
  $('location-button').addEventListener('click', openLocation);

  // ---- composer and account ----

  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    sendAction({ type: 'text', text });
  });
  input.addEventListener('keydown', (event) => {
    // Enter sends, Shift+Enter starts a new line (as in LINE's desktop app).
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  photoInput.addEventListener('change', () => {
    const files = Array.from(photoInput.files || []);
    photoInput.value = '';
    if (files.length) sendPhotos(files);
  });
  followButton.addEventListener('click', () => sendAction({ type: 'follow' }));
  blockButton.addEventListener('click', () =>
    sendAction(state.friendship === 'blocked' ? { type: 'follow' } : { type: 'unfollow' }),
  );

  function setFriendship(friendship) {
    state.friendship = friendship;
    const user = state.users.find((candidate) => candidate.userId === state.userId);
    if (user) user.friendship = friendship;
    const blocked = friendship === 'blocked';
    followButton.hidden = friendship !== 'none';
    blockButton.textContent = blocked ? blockButton.dataset.unblock : blockButton.dataset.block;
    blockedNotice.hidden = !blocked;
    for (const control of composer.querySelectorAll('textarea, button, input')) control.disabled = blocked;
    composer.querySelector('label.tool').setAttribute('aria-disabled', String(blocked));
    richMenu.setShown(friendship === 'friend');
    showQuickReplies();
  }

  function selectUser(userId) {
    state.userId = userId;
    state.generation += 1;
    state.cursor = '';
    state.lastEntry = null;
    localStorage.setItem('needline-sandbox-user', userId);
    log.replaceChildren();
    const empty = document.createElement('li');
    empty.className = 'empty';
    empty.textContent = t('empty');
    log.append(empty);
    const user = state.users.find((candidate) => candidate.userId === userId);
    setFriendship(user ? user.friendship : 'none');
    poll().catch(() => (status.textContent = t('errors.pollFailed')));
  }

  picker.addEventListener('change', () => selectUser(picker.value));

  async function start() {
    for (const link of document.querySelectorAll('.languages a')) {
      if (link.dataset.lang === document.documentElement.lang) link.setAttribute('aria-current', 'true');
    }
    const { users } = await api('/sandbox/api/users');
    state.users = users;
    for (const user of users) {
      const option = document.createElement('option');
      option.value = user.userId;
      option.textContent = user.displayName + ' · ' + t(user.descriptionKey);
      picker.append(option);
    }
    const remembered = localStorage.getItem('needline-sandbox-user');
    picker.value = users.some((user) => user.userId === remembered) ? remembered : users[0].userId;
    selectUser(picker.value);
    schedulePoll();
  }

  start().catch(() => (status.textContent = t('errors.pollFailed')));
})();
