// LTI 1.1 Basic Outcomes: the replaceResult request and reading its response (pure).
#pragma once

#include <string>
#include <string_view>

namespace otrbot::lti {

/// An imsx_POXEnvelopeRequest with a replaceResultRequest (LTI 1.1 Basic
/// Outcomes): `score` in [0, 1] for `sourcedid`, escaped as XML.
std::string replace_result_request(std::string_view message_id, std::string_view sourcedid,
                                   double score);

enum class outcome_status { success, failure, unreadable };

/// The imsx_codeMajor of an imsx_POXEnvelopeResponse; `description` gets
/// imsx_description when there is one.
outcome_status read_outcome_response(std::string_view xml, std::string& description);

} // namespace otrbot::lti
