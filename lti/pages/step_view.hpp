// A lesson step as the pages show it (pure, header-only): what the lesson's plan tells the pages,
// so that they know no protocol.
#pragma once

#include <string>

namespace otrbot::lti {

/// Where a student is in their lesson, as the pages show it. The lesson's plan fills it in
/// (actors/rules/lesson_plan): the pages know no protocol.
struct step_view {
  std::string lesson;      ///< which lesson the student takes (its plan's id: "otr")
  std::string name;        ///< the step's name in the plan ("awaiting_otr"), "" without a session
  int number = 1;          ///< the progress bar's value (0 is the JID, the pages' own step)
  int of = 4;              ///< how many steps the bar counts
  std::string line;        ///< msgid: "Step 1 of 4: ..."
  std::string page;        ///< the page whose form fits the step ("/ask_for_secret"), "" where any does
  std::string code_intro;  ///< msgid: what the code page asks of the student at this step
  bool done = false;       ///< the lesson is complete
  friend bool operator==(const step_view&, const step_view&) = default;
};

} // namespace otrbot::lti
