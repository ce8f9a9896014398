// The dashboard's script. It runs in the browser: `dashboardScript()` serves the function's own
// source, so it must not use anything from outside its body (no imports, no module names), and the
// build target must stay one that needs no helper (ES2022: async/await and `?.` are native).
// Written in TypeScript so that it is type-checked against the DOM and the state it renders.
import type { DashboardAttempt, DashboardDelivery, DashboardOrder, DashboardState } from './snapshot'

/** The script the page loads (`/sandbox/dashboard/app.js`). */
export function dashboardScript(): string {
  return `(${dashboardClient.toString()})()\n`
}

/** Renders the views from the event stream, and sends the buttons' actions. */
function dashboardClient(): void {
  const API = '/sandbox/dashboard/'
  const ORDER_STATES = ['NOTPAY', 'USERPAYING', 'SUCCESS', 'CLOSED', 'REFUND', 'PAYERROR']
  /** The fault switches of `sb.faults`, as on/off or with a number. */
  const SWITCHES: Array<[string, string]> = [
    ['notifyProbe', 'SIGNTEST probe before the first delivery of each notification'],
    ['notifyDuplicate', 'Deliver each notification once more after it is acknowledged (a duplicate)'],
    ['badSignature', 'Sign replies with a wrong signature'],
    ['signtestProbe', 'Sign replies with a WECHATPAY/SIGNTEST probe'],
    ['resetConnection', 'Reset the connection instead of answering'],
    ['primaryDown', 'Take the primary listener down (use the backup URL)'],
    ['corruptDownload', 'Flip one byte of downloaded bills'],
  ]
  const NUMBERS: Array<[string, string]> = [
    ['latencyMs', 'Delay every reply (ms)'],
    ['status', 'Answer this HTTP error status instead'],
    ['clockSkewSeconds', 'Skew reply timestamps (seconds)'],
  ]

  const main = document.getElementById('main') as HTMLElement
  const message = document.getElementById('message') as HTMLElement
  const connection = document.getElementById('connection') as HTMLElement
  const nowEl = document.getElementById('now') as HTMLElement
  let state: DashboardState | undefined
  let filter = ''
  let env: string[] = []
  let revealed = false
  let lastHtml = ''
  /** Set by an action that navigates and then says what it did. */
  let keepMessage = false

  const esc = (value: unknown): string =>
    String(value ?? '').replace(/[&<>"']/g, (ch) => '&#' + ch.charCodeAt(0) + ';')
  const yuan = (fen: number): string => '¥' + (fen / 100).toFixed(2)
  const idOf = (text: string): string => text.replace(/[^A-Za-z0-9_-]/g, '_')
  const waitText = (s: number): string => (s < 60 ? s + ' s' : s < 3600 ? s / 60 + ' min' : s / 3600 + ' h')
  /** WeChat's RFC 3339 (+08:00) as a person reads it; the caption says the zone. */
  const time = (rfc?: string): string =>
    rfc
      ? '<time datetime="' +
        esc(rfc) +
        '">' +
        esc(rfc.slice(0, 10)) +
        ' ' +
        esc(rfc.slice(11, 19)) +
        '</time>'
      : ''
  const badge = (word: string): string =>
    '<span class="state state-' + esc(word) + '">' + esc(word) + '</span>'

  function say(text: string, focus = false): void {
    message.textContent = text
    if (focus) message.focus()
  }

  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const init: RequestInit = { method }
    if (body !== undefined) {
      init.headers = { 'Content-Type': 'application/json' }
      init.body = JSON.stringify(body)
    }
    const res = await fetch(path, init)
    const text = await res.text()
    const data: unknown = text === '' ? undefined : JSON.parse(text)
    if (!res.ok) throw new Error((data as { message?: string } | undefined)?.message ?? 'HTTP ' + res.status)
    return data
  }

  function run(work: () => Promise<void>): void {
    work().catch((err: unknown) => say('Failed: ' + (err instanceof Error ? err.message : String(err)), true))
  }

  function route(): { view: string; no?: string } {
    const hash = location.hash
    if (hash.startsWith('#/order/')) return { view: 'cashier', no: decodeURIComponent(hash.slice(8)) }
    if (hash === '#/notifications') return { view: 'notifications' }
    if (hash === '#/merchant') return { view: 'merchant' }
    return { view: 'orders' }
  }

  function ordersView(s: DashboardState): string {
    const shown = s.orders.filter((o) => filter === '' || o.state === filter)
    const options = ['<option value="">Every state (' + s.orders.length + ')</option>']
      .concat(
        ORDER_STATES.map((st) => {
          const n = s.orders.filter((o) => o.state === st).length
          return (
            '<option value="' +
            st +
            '"' +
            (filter === st ? ' selected' : '') +
            '>' +
            st +
            ' (' +
            n +
            ')</option>'
          )
        }),
      )
      .join('')
    const rows = shown
      .map(
        (o) =>
          '<tr><td data-label="out_trade_no"><a id="order-' +
          idOf(o.out_trade_no) +
          '" href="#/order/' +
          encodeURIComponent(o.out_trade_no) +
          '">' +
          esc(o.out_trade_no) +
          '</a></td><td data-label="Amount" class="num">' +
          yuan(o.amount) +
          '</td><td data-label="State">' +
          badge(o.state) +
          ' <span class="desc">' +
          esc(o.state_desc) +
          '</span></td><td data-label="Type">' +
          esc(o.trade_type) +
          ' <span class="muted">' +
          esc(o.protocol) +
          '</span></td><td data-label="Created">' +
          time(o.created) +
          '</td><td data-label="Paid">' +
          time(o.paid) +
          '</td></tr>',
      )
      .join('')
    const refunds = s.refunds
      .map(
        (r) =>
          '<tr><td data-label="out_refund_no">' +
          esc(r.out_refund_no) +
          '</td><td data-label="Order"><a href="#/order/' +
          encodeURIComponent(r.out_trade_no) +
          '">' +
          esc(r.out_trade_no) +
          '</a></td><td data-label="Refund" class="num">' +
          yuan(r.refund) +
          ' of ' +
          yuan(r.total) +
          '</td><td data-label="Status">' +
          badge(r.status) +
          '</td><td data-label="Created">' +
          time(r.created) +
          '</td><td data-label="Succeeded">' +
          time(r.succeeded) +
          '</td></tr>',
      )
      .join('')
    return (
      '<h2>Orders</h2><p><label for="state-filter">Show </label> <select id="state-filter">' +
      options +
      '</select></p>' +
      (shown.length === 0
        ? '<p class="muted">No order' +
          (filter ? ' in state ' + esc(filter) : ' yet: place one through the API, or POST /sandbox/orders') +
          '.</p>'
        : '<table class="stack" id="orders"><caption>' +
          shown.length +
          ' order(s), newest first; open one for its cashier. Times in China Standard Time (+08:00)</caption><thead><tr><th scope="col">out_trade_no</th><th scope="col" class="num">Amount</th><th scope="col">State (trade_state)</th><th scope="col">Type</th><th scope="col">Created</th><th scope="col">Paid</th></tr></thead><tbody>' +
          rows +
          '</tbody></table>') +
      '<h2>Refunds</h2>' +
      (s.refunds.length === 0
        ? '<p class="muted">No refund yet.</p>'
        : '<table class="stack" id="refunds"><caption>' +
          s.refunds.length +
          ' refund(s), newest first</caption><thead><tr><th scope="col">out_refund_no</th><th scope="col">Order</th><th scope="col" class="num">Amount</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Succeeded</th></tr></thead><tbody>' +
          refunds +
          '</tbody></table>')
    )
  }

  function attemptsTable(d: DashboardDelivery): string {
    const row = (a: DashboardAttempt): string =>
      '<tr><td data-label="Attempt" class="num">' +
      a.attempt +
      '</td><td data-label="Kind">' +
      esc(a.kind) +
      '</td><td data-label="Sent at">' +
      time(a.at) +
      '</td><td data-label="Status" class="' +
      (a.ok ? 'ok' : 'bad') +
      '">' +
      esc(a.status ?? '') +
      (a.ok ? ' acknowledged' : ' not acknowledged') +
      '</td><td data-label="Latency" class="num">' +
      a.durationMs +
      ' ms</td><td data-label="Answer"><code class="reply">' +
      esc(a.reply ?? '') +
      '</code>' +
      (a.error ? ' <span class="bad">' + esc(a.error) + '</span>' : '') +
      '</td></tr>'
    return d.attempts.length === 0
      ? '<p class="muted">No attempt has been answered yet.</p>'
      : '<table class="stack attempts"><caption>Attempts, oldest first (China Standard Time)</caption><thead><tr><th scope="col" class="num">Attempt</th><th scope="col">Kind</th><th scope="col">Sent at</th><th scope="col">Status</th><th scope="col" class="num">Latency</th><th scope="col">Answer (first bytes)</th></tr></thead><tbody>' +
          d.attempts.map(row).join('') +
          '</tbody></table>'
  }

  function deliveryView(d: DashboardDelivery, level: string): string {
    const key = idOf(d.id)
    const ahead =
      d.state === 'waiting'
        ? '<p>Next: attempt ' +
          d.nextAttempt +
          ' at ' +
          time(d.next) +
          (d.laterWaitsSeconds.length
            ? '; then after ' + d.laterWaitsSeconds.map(waitText).join(', ')
            : '; the last one') +
          '.</p>'
        : d.state === 'failed'
          ? '<p class="bad">Out of retries: WeChat Pay would stop here.</p>'
          : ''
    return (
      '<article class="delivery" aria-labelledby="delivery-' +
      key +
      '"><' +
      level +
      ' id="delivery-' +
      key +
      '">' +
      esc(d.event_type) +
      (d.subject ? ' for ' + esc(d.subject) : '') +
      ' ' +
      badge(d.state) +
      '</' +
      level +
      '><p>To <code>' +
      esc(d.url) +
      '</code> (' +
      esc(d.protocol) +
      ') · id <code>' +
      esc(d.id) +
      '</code></p>' +
      ahead +
      attemptsTable(d) +
      '<p><button type="button" id="redeliver-' +
      key +
      '" data-redeliver="' +
      esc(d.id) +
      '"' +
      (d.state === 'sending' ? ' disabled' : '') +
      '>Deliver again now</button></p></article>'
    )
  }

  function cashierView(s: DashboardState, no: string): string {
    const o: DashboardOrder | undefined = s.orders.find((x) => x.out_trade_no === no)
    const back = '<p><a id="back" href="#/orders">← Every order</a></p>'
    if (!o) return back + '<h2>No order ' + esc(no) + '</h2>'
    const payable = o.state === 'NOTPAY' || o.state === 'USERPAYING'
    const fact = (name: string, value: string | undefined): string =>
      value === undefined || value === '' ? '' : '<dt>' + name + '</dt><dd>' + value + '</dd>'
    const placed = o.placed ?? {}
    const code = placed.code_url
    const how = code
      ? '<figure><img src="' +
        API +
        'orders/' +
        encodeURIComponent(o.out_trade_no) +
        '/qr.svg" width="220" height="220" alt="QR code of ' +
        esc(code) +
        '"><figcaption>The buyer scans this <code>code_url</code>: <code>' +
        esc(code) +
        '</code></figcaption></figure>'
      : '<p>' +
        (placed.prepay_id
          ? 'The app hands <code>prepay_id=' +
            esc(placed.prepay_id) +
            '</code> to WeChat (' +
            esc(o.trade_type) +
            ').'
          : o.trade_type === 'NATIVE'
            ? 'Seeded without a <code>code_url</code>: place it through the Native API for a QR code.'
            : 'The buyer pays this ' +
              esc(o.trade_type === 'MWEB' ? 'H5 (MWEB)' : o.trade_type) +
              ' order in WeChat.') +
        (placed.h5_url || placed.mweb_url
          ? ' H5 page: <code>' + esc(placed.h5_url ?? placed.mweb_url) + '</code>'
          : '') +
        '</p>'
    const deliveries = s.deliveries.filter((d) => d.subject === o.out_trade_no)
    return (
      back +
      '<h2>Cashier: ' +
      esc(o.out_trade_no) +
      '</h2><div class="cashier"><div><dl class="facts">' +
      fact('Amount', yuan(o.amount) + ' <span class="muted">(' + o.amount + ' fen)</span>') +
      fact('State', badge(o.state) + ' <span class="desc">' + esc(o.state_desc) + '</span>') +
      fact('Type', esc(o.trade_type) + ' · API ' + esc(o.protocol)) +
      fact('Description', esc(o.description)) +
      fact(
        'notify_url',
        o.notify_url ? '<code>' + esc(o.notify_url) + '</code>' : '<span class="muted">none</span>',
      ) +
      fact('transaction_id', esc(o.transaction_id)) +
      fact('Payer openid', esc(o.openid)) +
      fact('Created', time(o.created)) +
      fact('Paid', time(o.paid)) +
      '</dl></div><div>' +
      how +
      '</div></div>' +
      (payable
        ? '<div class="actions" role="group" aria-label="What the buyer does">' +
          '<button type="button" class="primary" id="pay" data-order="' +
          esc(o.out_trade_no) +
          '">Pay as the buyer</button><button type="button" id="fail" data-order="' +
          esc(o.out_trade_no) +
          '">Let the payment fail</button><button type="button" id="leave" data-leave="' +
          esc(o.out_trade_no) +
          '">Leave it pending</button></div>'
        : '<p class="muted">This order is ' + esc(o.state) + ': there is nothing left to pay.</p>') +
      '<h2>Your app\u2019s answer</h2>' +
      (deliveries.length === 0
        ? '<p class="muted">' +
          (o.notify_url
            ? 'No notification yet: it goes out when the order is paid.'
            : 'No notify_url, no notification.') +
          '</p>'
        : deliveries.map((d) => deliveryView(d, 'h3')).join(''))
    )
  }

  function notificationsView(s: DashboardState): string {
    const toggles = SWITCHES.slice(0, 2)
      .map(
        ([kind, text]) =>
          '<label class="switch"><input type="checkbox" id="fault-' +
          kind +
          '" data-fault="' +
          kind +
          '"' +
          (s.faults[kind] ? ' checked' : '') +
          '>' +
          esc(text) +
          ' <code>' +
          kind +
          '</code></label>',
      )
      .join('')
    return (
      '<h2>Notification deliveries</h2><fieldset><legend>Faults on deliveries</legend>' +
      toggles +
      '</fieldset>' +
      (s.deliveries.length === 0
        ? '<p class="muted">No notification sent yet: pay an order that has a notify_url.</p>'
        : s.deliveries.map((d) => deliveryView(d, 'h3')).join(''))
    )
  }

  function merchantView(s: DashboardState): string {
    const certs = s.platform.certificates
      .map(
        (c) =>
          '<tr><td data-label="Serial"><code>' +
          esc(c.serial) +
          '</code></td><td data-label="Valid from">' +
          time(c.notBefore) +
          '</td><td data-label="Valid until">' +
          time(c.notAfter) +
          '</td><td data-label="Signs">' +
          (c.signing ? 'yes' : 'no') +
          '</td></tr>',
      )
      .join('')
    const switches = SWITCHES.map(
      ([kind, text]) =>
        '<label class="switch"><input type="checkbox" id="fault-' +
        kind +
        '" data-fault="' +
        kind +
        '"' +
        (s.faults[kind] ? ' checked' : '') +
        '>' +
        esc(text) +
        ' <code>' +
        kind +
        '</code></label>',
    ).join('')
    const numbers = NUMBERS.map(([kind, text]) => {
      const rule = s.faults[kind] as { value?: number } | undefined
      return (
        '<form class="field" data-number="' +
        kind +
        '"><label for="fault-' +
        kind +
        '">' +
        esc(text) +
        '</label><input type="number" id="fault-' +
        kind +
        '" name="value" value="' +
        esc(rule?.value ?? '') +
        '"><button type="submit" id="set-' +
        kind +
        '">Set</button>' +
        (rule
          ? '<button type="button" id="unset-' + kind + '" data-unset="' + kind + '">Remove</button>'
          : '') +
        '</form>'
      )
    }).join('')
    const rotatable = s.platform.mode !== 'publicKey'
    return (
      '<h2>Merchant credentials</h2><p>Paste these lines into your app\u2019s environment (dotenv or shell); the secrets stay masked until you show them.</p><pre id="env"><code>' +
      esc(env.join('\n')) +
      '</code></pre><div class="actions"><button type="button" id="reveal" aria-pressed="' +
      revealed +
      '">' +
      (revealed ? 'Hide the secrets' : 'Show the secrets') +
      '</button><button type="button" id="copy">Copy the env lines</button></div>' +
      '<h2>Platform</h2><dl class="facts"><dt>Mode</dt><dd>' +
      esc(s.platform.mode) +
      '</dd><dt>Signs with</dt><dd>' +
      esc(s.platform.signWith) +
      '</dd>' +
      (s.platform.mode === 'certificate'
        ? ''
        : '<dt>Public key id</dt><dd><code>' + esc(s.platform.publicKeySerial) + '</code></dd>') +
      '</dl>' +
      (s.platform.mode === 'certificate'
        ? ''
        : '<details id="public-key"><summary>WeChat Pay public key (PEM)</summary><pre>' +
          esc(s.platform.publicKey) +
          '</pre></details>') +
      (rotatable
        ? '<table class="stack" id="certificates"><caption>Platform certificates served by /v3/certificates, oldest first</caption><thead><tr><th scope="col">Serial</th><th scope="col">Valid from</th><th scope="col">Valid until</th><th scope="col">Signs</th></tr></thead><tbody>' +
          certs +
          '</tbody></table><div class="actions"><button type="button" id="rotate">Rotate the platform certificate</button></div>'
        : '<p class="muted">A public-key merchant has no platform certificates to rotate: start the sandbox with <code>--platform-mode certificate</code> or <code>both</code> for them.</p>') +
      '<h2>Faults</h2><fieldset><legend>Switches</legend>' +
      switches +
      '</fieldset><fieldset><legend>With a value</legend>' +
      numbers +
      '</fieldset><div class="actions"><button type="button" id="clear-faults">Clear every fault</button></div>'
    )
  }

  function render(): void {
    if (!state) return
    nowEl.textContent = state.now.slice(0, 10) + ' ' + state.now.slice(11, 19) + ' (+08:00)'
    const r = route()
    for (const [view, id] of [
      ['orders', 'nav-orders'],
      ['notifications', 'nav-notifications'],
      ['merchant', 'nav-merchant'],
    ]) {
      const link = document.getElementById(id as string)
      if (r.view === view || (view === 'orders' && r.view === 'cashier'))
        link?.setAttribute('aria-current', 'page')
      else link?.removeAttribute('aria-current')
    }
    const html =
      r.view === 'cashier'
        ? cashierView(state, r.no ?? '')
        : r.view === 'notifications'
          ? notificationsView(state)
          : r.view === 'merchant'
            ? merchantView(state)
            : ordersView(state)
    if (html === lastHtml) return
    lastHtml = html
    // keep what a keyboard user was on, and what they typed, across the update
    const focused = document.activeElement?.id
    const typed = new Map<string, string>()
    for (const input of main.querySelectorAll('input[type="number"]')) {
      const el = input as HTMLInputElement
      if (el.id && el.value !== el.defaultValue) typed.set(el.id, el.value)
    }
    const open = new Set<string>()
    for (const d of main.querySelectorAll('details[open]')) open.add(d.id)
    main.innerHTML = html
    for (const [id, value] of typed) {
      const el = document.getElementById(id) as HTMLInputElement | null
      if (el) el.value = value
    }
    for (const id of open) document.getElementById(id)?.setAttribute('open', '')
    if (focused) document.getElementById(focused)?.focus()
  }

  async function loadEnv(): Promise<void> {
    const data = (await call('GET', API + 'env' + (revealed ? '?reveal=1' : ''))) as { lines: string[] }
    env = data.lines
    lastHtml = ''
    render()
  }

  main.addEventListener('change', (event) => {
    const target = event.target as HTMLElement
    if (target.id === 'state-filter') {
      filter = (target as HTMLSelectElement).value
      render()
      return
    }
    const kind = target.dataset.fault
    if (kind) {
      const on = (target as HTMLInputElement).checked
      run(async () => {
        await call('POST', '/sandbox/faults', { [kind]: on ? true : null })
        say(kind + (on ? ' is on' : ' is off'))
      })
    }
  })

  main.addEventListener('submit', (event) => {
    event.preventDefault()
    const form = event.target as HTMLFormElement
    const kind = form.dataset.number
    const input = form.querySelector('input') as HTMLInputElement
    if (!kind || input.value === '') return
    run(async () => {
      await call('POST', '/sandbox/faults', { [kind]: { value: Number(input.value) } })
      input.defaultValue = input.value
      say(kind + ' set to ' + input.value)
    })
  })

  main.addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest('button')
    if (!button || button.type === 'submit') return
    const order = button.dataset.order
    if (button.id === 'pay' && order) {
      button.disabled = true
      run(async () => {
        const paid = (await call('POST', API + 'orders/' + encodeURIComponent(order) + '/pay')) as {
          transaction_id: string
          notify_url?: string
        }
        say(
          'Paid: ' +
            order +
            ' is SUCCESS (transaction_id ' +
            paid.transaction_id +
            ')' +
            (paid.notify_url
              ? '; TRANSACTION.SUCCESS went to ' + paid.notify_url + ', see the answer below.'
              : '.'),
          true,
        )
      })
    } else if (button.id === 'fail' && order) {
      button.disabled = true
      run(async () => {
        await call('POST', API + 'orders/' + encodeURIComponent(order) + '/fail')
        say('The payment of ' + order + ' failed: PAYERROR. WeChat Pay sends no notification for it.', true)
      })
    } else if (button.id === 'leave') {
      keepMessage = true
      location.hash = '#/orders'
      say('The buyer left the cashier: ' + (button.dataset.leave ?? 'the order') + ' stays unpaid.')
    } else if (button.dataset.redeliver) {
      const id = button.dataset.redeliver
      run(async () => {
        await call('POST', API + 'deliveries/' + encodeURIComponent(id) + '/redeliver')
        say('Delivering ' + id + ' again now.')
      })
    } else if (button.id === 'rotate') {
      run(async () => {
        const cert = (await call('POST', API + 'platform/rotate')) as { serial: string }
        say('New platform certificate ' + cert.serial + ': it signs from now on.')
      })
    } else if (button.id === 'reveal') {
      revealed = !revealed
      run(loadEnv)
    } else if (button.id === 'copy') {
      run(async () => {
        const data = (await call('GET', API + 'env?reveal=1')) as { lines: string[] }
        try {
          await navigator.clipboard.writeText(data.lines.join('\n') + '\n')
          say('The env lines (secrets included) are on the clipboard.')
        } catch {
          say('The browser refused the clipboard: show the secrets, then select the lines and copy them.')
        }
      })
    } else if (button.id === 'clear-faults') {
      run(async () => {
        await call('DELETE', '/sandbox/faults')
        say('Every fault is cleared.')
      })
    } else if (button.dataset.unset) {
      const kind = button.dataset.unset
      run(async () => {
        await call('POST', '/sandbox/faults', { [kind]: null })
        say(kind + ' removed')
      })
    }
  })

  window.addEventListener('hashchange', () => {
    if (!location.hash.startsWith('#/')) return
    if (keepMessage) keepMessage = false
    else say('')
    lastHtml = ''
    render()
    main.focus()
  })

  const events = new EventSource(API + 'events')
  events.addEventListener('state', (event) => {
    state = JSON.parse((event as MessageEvent<string>).data) as DashboardState
    connection.textContent = 'Live: updates as they happen'
    render()
  })
  events.addEventListener('error', () => {
    connection.textContent = 'Disconnected from the sandbox: retrying…'
  })
  run(loadEnv)
}
