// Outcome XML with pugixml.
#include "lti/lti11/outcome.hpp"

#include <pugixml.hpp>

#include <cstdio>
#include <sstream>

namespace otrbot::lti {

std::string replace_result_request(std::string_view message_id, std::string_view sourcedid,
                                   double score) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto env = doc.append_child("imsx_POXEnvelopeRequest");
  env.append_attribute("xmlns") = "http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0";
  auto info = env.append_child("imsx_POXHeader").append_child("imsx_POXRequestHeaderInfo");
  info.append_child("imsx_version").text() = "V1.0";
  info.append_child("imsx_messageIdentifier").text() = std::string{message_id}.c_str();
  auto record = env.append_child("imsx_POXBody")
                  .append_child("replaceResultRequest")
                  .append_child("resultRecord");
  record.append_child("sourcedGUID").append_child("sourcedId").text() =
    std::string{sourcedid}.c_str();
  auto result = record.append_child("result").append_child("resultScore");
  result.append_child("language").text() = "en";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", score);
  result.append_child("textString").text() = buf;
  // The declaration node above is the document's only one: pugixml writes it
  // even with format_no_declaration, so nothing is prepended by hand (strict
  // parsers such as libxml2 refuse a second declaration).
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default | pugi::format_no_declaration);
  return out.str();
}

outcome_status read_outcome_response(std::string_view xml, std::string& description) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size()))
    return outcome_status::unreadable;
  auto info = doc.select_node("//*[local-name()='imsx_statusInfo']").node();
  if (!info)
    return outcome_status::unreadable;
  description = info.select_node("*[local-name()='imsx_description']").node().text().as_string();
  std::string major = info.select_node("*[local-name()='imsx_codeMajor']").node().text().as_string();
  if (major == "success")
    return outcome_status::success;
  return major.empty() ? outcome_status::unreadable : outcome_status::failure;
}

} // namespace otrbot::lti
