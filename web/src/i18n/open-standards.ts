/** Labels of the open-standards downloads on the portal (issue 15): OC4IDS and IATI. */
export const openStandardsFa = {
  openStandardsHeading: 'داده‌های باز در استانداردهای بین‌المللی',
  openStandardsOc4ids: 'همهٔ طرح‌ها در استاندارد OC4IDS نسخهٔ ۰٫۹٫۵ (JSON)',
  openStandardsIati: 'همهٔ طرح‌ها در استاندارد IATI نسخهٔ ۲٫۰۳ (XML)',
};

export const openStandardsEn: typeof openStandardsFa = {
  openStandardsHeading: 'Open data in international standards',
  openStandardsOc4ids: 'Every project in OC4IDS 0.9.5 (JSON)',
  openStandardsIati: 'Every project in IATI 2.03 (XML)',
};
