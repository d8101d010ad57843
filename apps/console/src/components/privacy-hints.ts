/**
 * What the console tells operators about the text they write (README, "Free
 * text written by operators"): text about a person is sealed under their key,
 * so their erasure reaches it; any other is the site's record, kept in clear,
 * where no person must be named.
 */
export const SITE_TEXT_HINT =
  "Kept in the journal in clear, as the site's record: name no person here (erasing a person does not reach it).";
export const PERSON_TEXT_HINT = "Sealed under this person's key: erasing the person erases it too.";
