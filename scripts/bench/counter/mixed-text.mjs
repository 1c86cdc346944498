// A deterministic ~1 MB of mixed multilingual text: sentences made of random words in a
// dozen scripts, emoji (with skin tones, flags and ZWJ sequences), numbers, URLs and code.
// The same seed gives the same text in Node and in the browser.

/** Words per language; `join` is what goes between words, `end` the sentence marks. */
const LANGUAGES = [
  { weight: 5, join: ' ', end: ['.', '!', '?', ','], words: 'the quick brown fox jumps over lazy dog memory token budget window summary reply stream message because although tomorrow yesterday would could should remember forget browser worker counting careful'.split(' ') },
  { weight: 2, join: ' ', end: ['.', ' !', ' ?'], words: 'déjà café naïve élève très être où garçon français hôpital forêt noël cœur œuvre fenêtre château soirée à été réponse mémoire'.split(' ') },
  { weight: 2, join: ' ', end: ['.', '!', '?'], words: 'Straße Mädchen größer Übung schön Grüße Fußgänger Brötchen Bäckerei zuverlässig Geschwindigkeitsbegrenzung für über Käse weiß'.split(' ') },
  { weight: 2, join: ' ', end: ['.', '!', '?'], words: 'привет мир память сообщение ответ быстро завтра хорошо счётчик токенов окно браузер работает Москва ещё'.split(' ') },
  { weight: 1, join: ' ', end: ['.', ';', '!'], words: 'Καλημέρα κόσμε μνήμη μήνυμα απάντηση γρήγορα αύριο καλά μετρητής Αθήνα ελληνικά'.split(' ') },
  { weight: 1, join: ' ', end: ['.', '؟', '!'], words: 'مرحبا بالعالم الذاكرة رسالة الإجابة بسرعة غدا جيد عداد الرموز المتصفح العربية'.split(' ') },
  { weight: 1, join: ' ', end: ['.', '?', '!'], words: 'שלום עולם זיכרון הודעה תשובה מהר מחר טוב מונה אסימונים דפדפן עברית'.split(' ') },
  { weight: 2, join: '', end: ['。', '！', '？', '，'], words: '你好 世界 记忆 消息 回答 很快 明天 很好 计数器 浏览器 中文 分词 测试 模型 上下文'.split(' ') },
  { weight: 2, join: '', end: ['。', '！', '？', '、'], words: 'こんにちは 世界 記憶 メッセージ 返事 すぐに 明日 東京 カタカナ ひらがな 数える トークン です ます'.split(' ') },
  { weight: 1, join: ' ', end: ['.', '?', '!'], words: '안녕하세요 세계 기억 메시지 대답 빨리 내일 좋아요 한국어 토큰 브라우저'.split(' ') },
  { weight: 1, join: ' ', end: ['।', '?', '!'], words: 'नमस्ते दुनिया स्मृति संदेश उत्तर जल्दी कल अच्छा गिनती हिन्दी ब्राउज़र'.split(' ') },
];

const EMOJI = ['🙂', '😂', '👍🏽', '👩‍💻', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🧑🏿‍🚀', '❤️‍🔥', '🇯🇵', '🇫🇷', '🇺🇦', '✈️', '🧑‍🤝‍🧑', '🐕‍🦺', '👁️‍🗨️', '🎉'];

const CODE = [
  (n) => `fn count_${n}(text: &str) -> usize {\n    text.split_whitespace().map(|w| w.len() + ${n}).sum()\n}\n`,
  (n) => `const total${n} = items.filter((x) => x.id !== ${n}).reduce((a, b) => a + b.size, 0);\n`,
  (n) => `def window_${n}(messages, budget=${n * 7}):\n    return [m for m in messages if m["tokens"] <= budget]\n`,
  (n) => `SELECT id, title FROM conversations WHERE updated_at > ${1700000000 + n} ORDER BY id LIMIT ${n % 50};\n`,
  (n) => `<div class="msg-${n}" data-id="${n}">&lt;hello&gt; &amp; ${n}</div>\n`,
  (n) => `{"id": ${n}, "role": "assistant", "content": "ok", "tokens": [${n}, ${n + 1}, ${n * 2}]}\n`,
];

/** A deterministic pseudo-random generator in [0, 1) (mulberry32). */
export function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sentence(next) {
  const pick = (list) => list[Math.floor(next() * list.length)];
  const total = LANGUAGES.reduce((n, l) => n + l.weight, 0);
  let r = next() * total;
  const lang = LANGUAGES.find((l) => (r -= l.weight) < 0) ?? LANGUAGES[0];
  const words = [];
  for (let n = 3 + Math.floor(next() * 12); n > 0; n--) words.push(pick(lang.words));
  if (next() < 0.15) words.push(pick(EMOJI));
  if (next() < 0.1) words.push(String(Math.floor(next() * 100000)));
  return words.join(lang.join) + pick(lang.end);
}

/** Text of at least `bytes` UTF-8 bytes (just over), the same for the same seed. */
export function mixedText(bytes = 1_000_000, seed = 20240607) {
  const next = random(seed);
  const encoder = new TextEncoder();
  const parts = [];
  let size = 0;
  while (size < bytes) {
    let part;
    const r = next();
    if (r < 0.04) part = `\n${CODE[Math.floor(next() * CODE.length)](Math.floor(next() * 1000))}\n`;
    else if (r < 0.05) part = `https://example.com/${Math.floor(next() * 1e6)}?q=${Math.floor(next() * 100)} `;
    else if (r < 0.12) part = `${sentence(next)}\n\n`;
    else part = `${sentence(next)} `;
    parts.push(part);
    size += encoder.encode(part).length;
  }
  return parts.join('');
}
