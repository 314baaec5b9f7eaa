/**
 * The Persian of the reasons the plan rules (core plan.ts, the DTOs, the services) give in English,
 * for the people who upload an action table. A reason not listed here is shown with a Persian
 * preface and the English text, so nothing is ever hidden.
 */
import { toPersianDigits } from '@pelekan/core';

const fa = (s: string) => toPersianDigits(s);

const PATTERNS: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray) => string]> = [
  [/^duplicate code "(.*)"$/, (m) => `کد «${m[1]}» تکراری است`],
  [/^must be after plannedStart$/, () => 'تاریخ پایان باید بعد از تاریخ شروع باشد'],
  [/^the project has no lead agency; name the owner$/, () => 'طرح دستگاه اصلی ندارد؛ دستگاه مسئول را بنویسید'],
  [/^is not the lead or a collaborating agency of this project$/, () => 'این دستگاه، دستگاه اصلی یا همکار این طرح نیست'],
  [/^weights sum to (.*); they must sum to exactly 100$/, (m) => `جمع وزن‌ها ${fa(m[1])} است؛ باید دقیقاً ۱۰۰ باشد`],
  [/^item budgets sum to (\d+) rials, more than the project budget of (\d+)$/, (m) => `جمع بودجه بندها ${fa(m[1])} ریال است، بیشتر از بودجه طرح (${fa(m[2])} ریال)`],
  [/^no item with code "(.*)"$/, (m) => `بندی با کد «${m[1]}» نیست`],
  [/^duplicate link (.*) → (.*)$/, (m) => `پیش‌نیاز ${m[1]} برای ${m[2]} تکراری است`],
  [/^the links form a cycle: (.*)$/, (m) => `پیش‌نیازها دور می‌سازند: ${m[1]}`],
  [/^items funded by tranches cannot be removed: (.*)$/, (m) => `بندهایی که قسطی آن‌ها را تأمین می‌کند حذف‌شدنی نیستند: ${m[1]}`],
  [/^item (.*) is funded by open tranche (\d+); its owner agency cannot change/, (m) => `بند ${m[1]} از قسط باز ${fa(m[2])} تأمین می‌شود؛ تا پرداخت یا رد قسط، دستگاه مسئول آن تغییر نمی‌کند`],
  [/^open tranche (\d+) commits (\d+) rials to items (.*); their budgets \((\d+)\) cannot fall below it$/, (m) => `قسط باز ${fa(m[1])} مبلغ ${fa(m[2])} ریال را به بندهای ${m[3]} اختصاص داده؛ بودجه آن‌ها (${fa(m[4])}) نباید کمتر شود`],
  [/^tranche (\d+) funds both (.*) and (.*); the link/, (m) => `قسط ${fa(m[1])} هر دو بند ${m[2]} و ${m[3]} را تأمین می‌کند؛ این پیش‌نیاز قسط را به بند خودش وابسته می‌کند`],
  [/^the proposal is the same as the current plan$/, () => 'این بازنگری با برنامه فعلی فرقی ندارد'],
  [/^is required$/, () => 'لازم است'],
  [/^code must be 1-20 letters, digits, dots or hyphens$/, () => 'کد باید ۱ تا ۲۰ حرف لاتین، رقم، نقطه یا خط تیره باشد'],
  [/^(\w+) must be longer than or equal to (\d+) characters$/, (m) => `دست‌کم ${fa(m[2])} نویسه لازم است`],
  [/^(\w+) must be shorter than or equal to (\d+) characters$/, (m) => `حداکثر ${fa(m[2])} نویسه مجاز است`],
  [/^weight must not be less than 0\.01$/, () => 'وزن باید بیشتر از صفر باشد'],
  [/^weight must not be greater than 100$/, () => 'وزن حداکثر ۱۰۰ است'],
  [/^weight must be a number conforming to the specified constraints$/, () => 'وزن باید عددی با حداکثر دو رقم اعشار باشد'],
  [/^budgetRials must be a whole, non-negative number of rials/, () => 'بودجه باید عدد صحیح نامنفی ریال باشد (حداکثر ۱۹ رقم)'],
  [/^(\w+) must be an ISO 8601 instant/, () => 'تاریخ درست نیست'],
  [/^items must contain (no more than|at least) (\d+) elements$/, (m) => (m[1] === 'at least' ? `دست‌کم ${fa(m[2])} بند لازم است` : `حداکثر ${fa(m[2])} بند مجاز است`)],
  [/^links must contain no more than (\d+) elements$/, (m) => `حداکثر ${fa(m[1])} پیش‌نیاز مجاز است`],
  [/^reason must be a string$/, () => 'دلیل بازنگری را بنویسید'],
];

export function reasonInPersian(reason: string): string {
  for (const [pattern, say] of PATTERNS) {
    const m = pattern.exec(reason);
    if (m) return say(m);
  }
  return `این مقدار پذیرفته نیست: ${reason}`;
}
