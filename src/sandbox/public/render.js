/* Renders LINE message objects the way the LINE app shows them, readably rather than pixel-exact.
   Built with DOM calls only (never innerHTML), so nothing a bot sends can run as script. */
/* global window, document */
'use strict';

(function () {
  const SIZES = { xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29, '3xl': 35, '4xl': 48, '5xl': 74 };
  const SPACING = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
  const IMAGE_SIZES = {
    xxs: 40,
    xs: 60,
    sm: 80,
    md: 100,
    lg: 120,
    xl: 140,
    xxl: 160,
    '3xl': 180,
    '4xl': 200,
    '5xl': 240,
  };

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /** Only web and data URLs become image sources or links. */
  function safeUrl(url) {
    if (typeof url !== 'string') return null;
    if (/^(https?:|data:image\/|blob:|\/)/i.test(url)) return url;
    return null;
  }

  function length(value, scale) {
    if (value === undefined || value === null) return null;
    if (typeof value === 'string' && /^-?\d+(\.\d+)?(px|%)$/.test(value)) return value;
    if (scale && value in scale) return scale[value] + 'px';
    return null;
  }

  function image(url, alt, className) {
    const img = el('img', className);
    const src = safeUrl(url);
    if (src) img.src = src;
    img.alt = alt || '';
    img.loading = 'lazy';
    return img;
  }

  function actionButton(action, ctx, className) {
    const button = el('button', className, actionLabel(action, ctx));
    button.type = 'button';
    if (action) button.addEventListener('click', () => ctx.onAction(action));
    else button.disabled = true;
    return button;
  }

  function actionLabel(action, ctx) {
    if (!action) return '';
    const label = action.label || action.text || action.displayText || '';
    return action.type === 'uri' ? label + ' ' + ctx.t('opensNewTab') : label;
  }

  function clickable(node, action, ctx) {
    if (!action) return node;
    node.tabIndex = 0;
    node.setAttribute('role', 'button');
    if (action.label) node.setAttribute('aria-label', action.label);
    node.style.cursor = 'pointer';
    node.addEventListener('click', () => ctx.onAction(action));
    node.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        ctx.onAction(action);
      }
    });
    return node;
  }

  // ---- templates ----

  function templateCard(column, ctx, options) {
    const card = el('div', 'card');
    const thumb = column.thumbnailImageUrl;
    if (thumb) {
      const img = image(thumb, column.title || '', 'card-image');
      img.style.aspectRatio = options.imageAspectRatio === 'square' ? '1 / 1' : '1.51 / 1';
      img.style.objectFit = options.imageSize === 'contain' ? 'contain' : 'cover';
      if (column.imageBackgroundColor) img.style.backgroundColor = column.imageBackgroundColor;
      card.append(img);
    }
    const body = el('div', 'card-body');
    if (column.title) body.append(el('div', 'card-title', column.title));
    if (column.text) body.append(el('div', 'card-text', column.text));
    card.append(body);
    clickable(body, column.defaultAction, ctx);
    const actions = el('div', 'card-actions' + (options.row ? ' row' : ''));
    for (const action of column.actions || []) actions.append(actionButton(action, ctx));
    if (actions.childElementCount) card.append(actions);
    return card;
  }

  function template(message, ctx) {
    const t = message.template || {};
    switch (t.type) {
      case 'buttons':
        return templateCard(t, ctx, t);
      case 'confirm':
        return templateCard({ text: t.text, actions: t.actions }, ctx, { row: true });
      case 'carousel': {
        const row = el('div', 'carousel');
        for (const column of t.columns || []) row.append(templateCard(column, ctx, t));
        return row;
      }
      case 'image_carousel': {
        const row = el('div', 'carousel');
        for (const column of t.columns || []) {
          const card = el('div', 'card');
          const img = image(column.imageUrl, (column.action && column.action.label) || '', 'card-image');
          img.style.aspectRatio = '1 / 1';
          card.append(clickable(img, column.action, ctx));
          if (column.action && column.action.label) card.append(el('div', 'card-body', column.action.label));
          row.append(card);
        }
        return row;
      }
      default:
        return el('div', 'bubble', message.altText || '');
    }
  }

  // ---- flex ----

  function flexChild(node, component, parentLayout) {
    const horizontal = parentLayout === 'horizontal' || parentLayout === 'baseline';
    const flex = component.flex !== undefined ? component.flex : horizontal ? 1 : 0;
    node.style.flex = flex > 0 ? flex + ' 1 0' : '0 0 auto';
    const margin = length(component.margin, SPACING);
    if (margin) node.style[horizontal ? 'marginLeft' : 'marginTop'] = margin;
    if (component.position === 'absolute') {
      node.style.position = 'absolute';
      for (const side of ['Top', 'Bottom', 'Start', 'End']) {
        const value = length(component['offset' + side], SPACING);
        if (value)
          node.style[side === 'Start' ? 'left' : side === 'End' ? 'right' : side.toLowerCase()] = value;
      }
    }
  }

  function flexComponent(component, ctx, parentLayout) {
    let node;
    switch (component.type) {
      case 'box':
        node = flexBox(component, ctx);
        break;
      case 'text': {
        node = el('div', 'flex-text' + (component.wrap ? ' wrap' : ''));
        if (Array.isArray(component.contents) && component.contents.length) {
          for (const span of component.contents) {
            const s = el('span', null, span.text);
            styleText(s, span);
            node.append(s);
          }
        } else node.textContent = component.text || '';
        styleText(node, component);
        if (component.align)
          node.style.textAlign =
            component.align === 'start' ? 'left' : component.align === 'end' ? 'right' : 'center';
        if (component.maxLines) {
          node.style.display = '-webkit-box';
          node.style.webkitLineClamp = String(component.maxLines);
          node.style.webkitBoxOrient = 'vertical';
        }
        break;
      }
      case 'image': {
        node = image(component.url, '', 'flex-image');
        const size = component.size === 'full' ? '100%' : length(component.size || 'md', IMAGE_SIZES);
        if (size) node.style.width = size;
        node.style.maxWidth = '100%';
        if (component.aspectRatio) node.style.aspectRatio = component.aspectRatio.replace(':', ' / ');
        node.style.objectFit = component.aspectMode === 'cover' ? 'cover' : 'contain';
        if (component.backgroundColor) node.style.backgroundColor = component.backgroundColor;
        node.style.alignSelf =
          component.align === 'start' ? 'flex-start' : component.align === 'end' ? 'flex-end' : 'center';
        break;
      }
      case 'button': {
        const style = component.style || 'link';
        node = actionButton(component.action, ctx, 'flex-button ' + style);
        if (component.color) {
          if (style === 'link') node.style.color = component.color;
          else {
            node.style.backgroundColor = component.color;
            node.style.borderColor = component.color;
          }
        }
        if (component.height === 'sm') node.style.minHeight = '2rem';
        break;
      }
      case 'separator':
        node = el('hr', 'flex-separator');
        if (component.color) node.style.borderColor = component.color;
        break;
      case 'filler':
      case 'spacer':
        node = el('div', 'flex-filler');
        break;
      case 'icon':
        node = image(component.url, '', 'flex-icon');
        if (component.size) node.style.width = node.style.height = length(component.size, SIZES) || '1em';
        break;
      case 'video':
        return component.altContent ? flexComponent(component.altContent, ctx, parentLayout) : el('div');
      default:
        node = el('div');
    }
    flexChild(node, component, parentLayout);
    if (component.type !== 'button') clickable(node, component.action, ctx);
    return node;
  }

  function styleText(node, component) {
    const size = length(component.size, SIZES);
    if (size) node.style.fontSize = size;
    if (component.weight === 'bold') node.style.fontWeight = '700';
    if (component.color) node.style.color = component.color;
    if (component.style === 'italic') node.style.fontStyle = 'italic';
    if (component.decoration && component.decoration !== 'none')
      node.style.textDecoration = component.decoration;
  }

  function flexBox(box, ctx) {
    const layout = box.layout || 'vertical';
    const node = el('div', 'flex-box ' + layout);
    const spacing = length(box.spacing, SPACING);
    if (spacing) node.style.gap = spacing;
    const pad = length(box.paddingAll, SPACING);
    if (pad) node.style.padding = pad;
    for (const side of ['Top', 'Bottom', 'Start', 'End']) {
      const value = length(box['padding' + side], SPACING);
      if (value)
        node.style['padding' + (side === 'Start' ? 'Left' : side === 'End' ? 'Right' : side)] = value;
    }
    if (box.backgroundColor) node.style.backgroundColor = box.backgroundColor;
    if (box.borderColor) node.style.borderColor = box.borderColor;
    if (box.borderWidth) {
      node.style.borderStyle = 'solid';
      node.style.borderWidth =
        length(box.borderWidth, { none: 0, light: 0.5, normal: 1, medium: 2, semi_bold: 3, bold: 4 }) ||
        '1px';
    }
    const radius = length(box.cornerRadius, SPACING);
    if (radius) node.style.borderRadius = radius;
    if (box.width) node.style.width = box.width;
    if (box.height) node.style.height = box.height;
    if (box.justifyContent) node.style.justifyContent = box.justifyContent;
    if (box.alignItems) node.style.alignItems = box.alignItems;
    node.style.position = 'relative';
    for (const child of box.contents || []) node.append(flexComponent(child, ctx, layout));
    return node;
  }

  function flexBubble(bubble, ctx) {
    const node = el('div', 'flex-bubble ' + (bubble.size || 'mega'));
    const styles = bubble.styles || {};
    for (const part of ['header', 'hero', 'body', 'footer']) {
      const content = bubble[part];
      if (!content) continue;
      const section = el('div', 'flex-section ' + part);
      const style = styles[part] || {};
      if (style.backgroundColor) section.style.backgroundColor = style.backgroundColor;
      if (style.separator) section.style.borderTop = '1px solid ' + (style.separatorColor || '#d5dae0');
      if (content.type === 'box' && content.paddingAll === undefined && part !== 'hero')
        section.style.padding = '0.8rem';
      else section.style.padding = '0';
      section.append(flexComponent(content, ctx, 'vertical'));
      node.append(section);
    }
    if (bubble.direction === 'rtl') node.dir = 'rtl';
    return clickable(node, bubble.action, ctx);
  }

  function flex(message, ctx) {
    const contents = message.contents || {};
    if (contents.type === 'carousel') {
      const row = el('div', 'carousel');
      for (const bubble of contents.contents || []) row.append(flexBubble(bubble, ctx));
      return row;
    }
    return flexBubble(contents, ctx);
  }

  // ---- the message types ----

  function location(message, ctx) {
    const card = el('div', 'location-card');
    card.append(el('div', 'card-title', '📍 ' + (message.title || ctx.t('location'))));
    if (message.address) card.append(el('div', null, message.address));
    const link = el('a', null, message.latitude + ', ' + message.longitude + ' ' + ctx.t('opensNewTab'));
    link.href =
      'https://www.openstreetmap.org/?mlat=' +
      encodeURIComponent(message.latitude) +
      '&mlon=' +
      encodeURIComponent(message.longitude) +
      '#map=16/' +
      encodeURIComponent(message.latitude) +
      '/' +
      encodeURIComponent(message.longitude);
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    card.append(link);
    return card;
  }

  const STICKER_FACES = { 1988: '👍', 1989: '🙏', 1990: '😄', 2008: '😢' };

  function sticker(message, ctx) {
    const label = ctx.t('stickerLabel', { packageId: message.packageId, stickerId: message.stickerId });
    const node = el('div', 'bubble sticker', STICKER_FACES[message.stickerId] || '🧸');
    node.setAttribute('role', 'img');
    node.setAttribute('aria-label', label);
    node.title = label;
    return node;
  }

  /** One message object, from the bot (`from: 'bot'`) or the person (`from: 'user'`). */
  function renderMessage(message, ctx, from) {
    switch (message.type) {
      case 'text':
      case 'textV2':
        return el('div', 'bubble', message.text);
      case 'image': {
        const src =
          from === 'user' ? message.previewUrl : message.previewImageUrl || message.originalContentUrl;
        const img = image(src, ctx.t(from === 'user' ? 'photoSent' : 'botImage'), 'media');
        if (from !== 'user' && safeUrl(message.originalContentUrl)) {
          const link = el('a');
          link.href = message.originalContentUrl;
          link.target = '_blank';
          link.rel = 'noopener noreferrer';
          link.append(img);
          return link;
        }
        return img;
      }
      case 'video': {
        const video = el('video', 'media');
        video.controls = true;
        const src = safeUrl(message.originalContentUrl);
        if (src) video.src = src;
        const poster = safeUrl(message.previewImageUrl);
        if (poster) video.poster = poster;
        video.setAttribute('aria-label', ctx.t('video'));
        return video;
      }
      case 'audio': {
        const audio = el('audio');
        audio.controls = true;
        const src = safeUrl(message.originalContentUrl);
        if (src) audio.src = src;
        audio.setAttribute('aria-label', ctx.t('audio'));
        return audio;
      }
      case 'location':
        return location(message, ctx);
      case 'sticker':
        return sticker(message, ctx);
      case 'template':
        return template(message, ctx);
      case 'flex':
        return flex(message, ctx);
      case 'imagemap': {
        const card = el('div', 'card');
        card.append(image(message.baseUrl ? message.baseUrl + '/1040' : null, message.altText, 'card-image'));
        const actions = el('div', 'card-actions');
        for (const action of message.actions || []) {
          const label = action.label || action.text || action.linkUri || '';
          actions.append(
            actionButton(
              action.type === 'uri'
                ? { type: 'uri', uri: action.linkUri, label }
                : { type: 'message', text: action.text, label },
              ctx,
            ),
          );
        }
        if (actions.childElementCount) card.append(actions);
        return card;
      }
      default:
        return el('div', 'bubble', ctx.t('unsupported', { type: message.type }));
    }
  }

  window.NeedLineRender = { renderMessage };
})();
