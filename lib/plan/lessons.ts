// plan §8 "Lessons Learned", as data: the review's questions, the post-mortem template's sections
// and the continuous-improvement checklist. No I/O (tests/unit/plan/purity.test.ts).

/** plan §8.1 "Questions to Answer": where each is answered in the post-mortem. */
export const reviewQuestions = [
  { n: 1, question: "What was the root cause?", answeredBy: "rootCause" },
  { n: 2, question: "How was it detected?", answeredBy: "detection" },
  {
    n: 3,
    question: "How long did rollback take?",
    answeredBy: "the record (rollback time against the severity's target)",
  },
  { n: 4, question: "Were there any complications?", answeredBy: "wentWrong" },
  { n: 5, question: "Was documentation accurate?", answeredBy: "wentWell / wentWrong" },
  { n: 6, question: "What can be improved?", answeredBy: "preventive and the action items" },
] as const;

// plan §8.2 "Continuous Improvement" is an incident checklist (lib/plan/checklists.ts, ticked like the
// others); the post-mortem shows it and lets the commander tick it there.

export const POSTMORTEM_STATUSES = ["draft", "in_review", "published"] as const;
export type PostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];

/** Which moves a post-mortem may make: forward one step, or back from review to draft. Published is final. */
export function canMovePostmortem(from: PostmortemStatus, to: PostmortemStatus): boolean {
  return (from === "draft" && to === "in_review") || (from === "in_review" && (to === "published" || to === "draft"));
}

export const postmortemStatusLabel: Record<PostmortemStatus, string> = {
  draft: "Draft",
  in_review: "In review",
  published: "Published",
};
