// English lines of the bot.
#include "i18n/text.hpp"

#include <cctype>

namespace otrbot::i18n {

std::optional<std::string> normalise_locale(std::string_view text) {
  auto sep = text.find_first_of("-_");
  auto lang = text.substr(0, sep);
  if (lang.size() < 2 || lang.size() > 3)
    return std::nullopt;
  std::string out;
  for (char c : lang) {
    if (!std::isalpha(static_cast<unsigned char>(c)))
      return std::nullopt;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (sep == std::string_view::npos)
    return out;
  auto region = text.substr(sep + 1);
  if (region.size() != 2)
    return std::nullopt;
  out += '_';
  for (char c : region) {
    if (!std::isalpha(static_cast<unsigned char>(c)))
      return std::nullopt;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string_view pattern(msg id) {
  switch (id) {
    case msg::greeting:
      return N_("Hello! I am {bot_title}, {bot_description}. I am here for {project_name}: "
             "together we will set up a private, verified chat with Off-the-Record (OTR) "
             "encryption.");
    case msg::how_to_start_otr:
      return N_("Step 1: start an encrypted OTR conversation with me. In your chat program, look "
             "for \"OTR\", \"Start private conversation\" or a padlock in this chat window, and "
             "turn it on. (Type \"help\" at any time to see what to do next.)");
    case msg::otr_ended_early:
      return N_("The encrypted conversation has ended, before we were done. Everything you write "
             "now can be read by the servers in between.");
    case msg::encryption_on:
      return N_("Well done: this conversation is now encrypted with OTR. Nobody in between can "
             "read it.");
    case msg::not_enough:
      return N_("But encryption alone does not tell you who is on the other side: someone could "
             "sit in the middle and pretend to be me. To be sure, we check that we both know a "
             "secret that only you and I share.");
    case msg::ask_for_secret:
      return N_("Step 2: think of a secret (a few words nobody could guess) and enter it on the "
             "page for {project_name}. Never type it in this chat.");
    case msg::secret_known:
      return N_("I have received your secret from the page for {project_name}.");
    case msg::secret_still_known:
      return N_("I still have the secret you entered on the page for {project_name}.");
    case msg::secret_refused:
      return N_("The secret you entered on the page was refused: {reason}. Please choose a "
             "stronger one and enter it there again.");
    case msg::secret_noted_start_otr:
      return N_("I have received your secret. Now start the encrypted OTR conversation first.");
    case msg::how_to_authenticate:
      return N_("Step 3: authenticate me. In your chat program choose \"Authenticate buddy\" "
             "(or \"Verify\"), pick \"shared secret\", and type the same secret you entered "
             "on the page. If I am who I say I am, your program will mark me as verified.");
    case msg::bot_started_smp:
      return N_("I have asked your chat program to check our shared secret: it should now ask "
             "you for it. Type the same secret you entered on the page.");
    case msg::smp_needs_secret:
      return N_("You started the authentication, but I do not know our secret yet. Please enter "
             "it on the page for {project_name} first, then authenticate me again.");
    case msg::question_mode:
      return N_("You asked me a question. I will answer it with our secret: that lets your "
             "program check me, but not me check you. Next time choose \"shared secret\" "
             "instead of \"question and answer\": then we verify each other.");
    case msg::smp_running:
      return N_("The authentication is running: finish it in your chat program.");
    case msg::smp_failed:
      return N_("The authentication failed: the secret your chat program checked is not the one I "
             "have from the page. Usually that is a typo (capitals and spaces count): type it "
             "again carefully, or enter a new secret on the page and use that one. But a failure "
             "is also exactly what you would see if someone sat in the middle of our "
             "conversation: that is what this check protects you from.");
    case msg::smp_aborted:
      return N_("The authentication was cancelled. Start it again whenever you are ready.");
    case msg::verified:
      return N_("Authentication succeeded! Your chat program should now show me as trusted (some "
             "programs say verified or private): you know that you are talking to me, and nobody "
             "can listen in.");
    case msg::your_code:
      return N_("Here is your proof, sent over our verified channel: {code}");
    case msg::enter_code:
      return N_("Step 4: type this code on the page for {project_name} to complete the exercise.");
    case msg::completed:
      return N_("You entered the right code: the exercise is complete. Congratulations!");
    case msg::done:
      return N_("You have completed the exercise. You can end the encrypted conversation now.");
    case msg::timeout_warning:
      return N_("Are you still there? Without a sign of life I will end this session in "
             "{minutes, plural, one {# minute} other {# minutes}}.");
    case msg::session_refreshed:
      return N_("Good, you are still there: your session goes on.");
    case msg::signed_out:
      return N_("Your session has ended. You can start a new one from the page for {project_name}.");
    case msg::restarted:
      return N_("I was restarted, and an encrypted conversation does not survive that: start OTR "
             "with me again. I make a new key for every session, so your chat program will show "
             "you a new fingerprint for me.");
    case msg::restarted_secret:
      return N_("I keep no shared secret across a restart: enter yours on the page for "
             "{project_name} again.");
    case msg::restarted_code:
      return N_("The code I sent you before the restart is still valid: type it on the page for "
             "{project_name} to complete the exercise.");
    case msg::code_reminder:
      return N_("Step 4: type the code I sent you, {code}, on the page for {project_name} to "
             "complete the exercise.");
    case msg::verification_lost:
      return N_("That authentication failed, so your chat program now shows me as not verified, "
             "although the one before succeeded: it trusts only the latest check. The code I "
             "sent you is still valid. To see me as verified again, authenticate me once more "
             "with the secret from the page.");
    case msg::otr_ended_code_valid:
      return N_("The encrypted conversation has ended. The code I sent you while it was verified "
             "is still valid: type it on the page for {project_name}. To practise again, start "
             "OTR with me once more.");
    case msg::done_otr_ended:
      return N_("You have completed the exercise. Well done!");
    case msg::secret_typed_in_chat:
      return N_("You typed our shared secret into this chat. Never do that: a secret protects you "
             "only while nobody else has seen it, and chat messages pass through servers (before "
             "OTR is on, they can read them).");
    case msg::ask_for_new_secret:
      return N_("I have forgotten that secret. Think of a new one and enter it on the page for "
             "{project_name}, not here.");
    case msg::start_otr_pidgin:
      return N_("Step 1 in Pidgin: in this conversation window, click the \"Not private\" button at "
             "the bottom (or open the OTR menu) and choose \"Start private conversation\". No such "
             "button? Turn on the plugin \"Off-the-Record Messaging\" under Tools, Plugins first. "
             "(Type \"help\" at any time to see what to do next.)");
    case msg::authenticate_pidgin:
      return N_("Step 3 in Pidgin: click the \"Unverified\" button (or open the OTR menu), choose "
             "\"Authenticate buddy\", pick \"Shared secret\", type the secret you entered on the "
             "page and click \"Authenticate\". If I am who I say I am, Pidgin will show our "
             "conversation as private.");
    case msg::start_otr_again:
      return N_("To go on, start the encrypted OTR conversation with me again, as you did before.");
    case msg::start_otr_again_command:
      return N_("To go on, start the encrypted OTR conversation with me again: type {command} in "
             "this chat.");
    case msg::start_otr_profanity:
      return N_("Step 1 in Profanity: if Profanity shows my authorization request, type /sub allow "
             "in this window (then you see me online). Type /otr gen once (it makes your own OTR "
             "key, which takes a moment), then /otr start in this chat window. (Type \"help\" at "
             "any time to see what to do next.)");
    case msg::authenticate_profanity:
      return N_("Step 3 in Profanity: type /otr secret followed by the secret you entered on the "
             "page, in double quotes when it has spaces, for example: /otr secret \"purple "
             "elephant dances\". If I am who I say I am, Profanity will show me as trusted.");
    case msg::start_otr_psi:
      return N_("Step 1 in {client}: turn on the plugin \"Off-the-Record Messaging\" (Settings, "
             "Plugins) if it is off, then click the OTR button in this chat window and choose "
             "\"Start private conversation\". (Type \"help\" at any time to see what to do next.)");
    case msg::authenticate_psi:
      return N_("Step 3 in {client}: click the OTR button in this chat window, choose "
             "\"Authenticate contact\", then \"Shared secret\", type the secret you entered on the "
             "page and confirm. If I am who I say I am, {client} will show me as verified.");
    case msg::start_otr_mcabber:
      return N_("Step 1 in mcabber: at first OTR is switched off for every contact, so type "
             "/otrpolicy . manual (the dot stands for this contact), then /otr start . "
             "in this chat. If mcabber answers that OTR is not enabled, add the line set otr = 1 "
             "to ~/.mcabber/mcabberrc and start mcabber again. (Type \"help\" at any time to see "
             "what to do next.)");
    case msg::authenticate_mcabber:
      return N_("Step 3 in mcabber: type /otr smpq . followed by the secret you entered on the "
             "page (the dot stands for this contact), for example: /otr smpq . purple elephant "
             "dances. If I am who I say I am, mcabber reports the check as a success, and /otr "
             "fingerprint . shows me as trusted.");
    case msg::start_otr_poezio:
      return N_("Step 1 in Poezio: load the OTR plugin with /load otr if it is not loaded, then type "
             "/otr start in this conversation tab. (Type \"help\" at any time to see what to do "
             "next.)");
    case msg::authenticate_poezio:
      return N_("Step 3 in Poezio: type /otrsmp ask followed by the secret you entered on the page, "
             "in double quotes when it has spaces. If I am who I say I am, Poezio will report the "
             "verification as succeeded.");
    case msg::start_otr_miranda:
      return N_("Step 1 in Miranda NG: with the plugin MirOTR on, click the OTR button in this "
             "message window and choose \"Start OTR\". (Type \"help\" at any time to see what to "
             "do next.)");
    case msg::authenticate_miranda:
      return N_("Step 3 in Miranda NG: click the OTR button, choose \"Verify\", then \"Shared "
             "secret\", type the secret you entered on the page and confirm. If I am who I say I "
             "am, Miranda NG will show me as verified.");
    case msg::client_without_otr:
      return N_("Your chat program, {client}, cannot do OTR, so this exercise cannot be done with "
             "it. On a computer, Pidgin with its OTR plugin (Windows, Linux) or Profanity (Linux, "
             "macOS, in a terminal) can; hardly any phone app still does. Log in with one of them "
             "with the same Jabber ID and say hello to me again.");
    case msg::timeout_warning_seconds:
      return N_("Are you still there? Without a sign of life I will end this session in "
             "{seconds, plural, one {# second} other {# seconds}}.");
    case msg::status_line:
      return N_("I teach you to chat securely with OTR: start on the page for {project_name}.");
    case msg::greeting_omemo:
      return N_("Hello! I am {bot_title}, a tutor for {project_name}: together we will set up a "
             "private, verified chat with OMEMO encryption, which your chat program already has.");
    case msg::how_to_start_omemo:
      return N_("Step 1: switch on OMEMO encryption for our chat. In your chat program, look for a "
             "padlock or shield in this chat window and choose OMEMO. Then write me a message. "
             "(Type \"help\" at any time to see what to do next.)");
    case msg::start_omemo_profanity:
      return N_("Step 1 in Profanity: type /omemo gen (once: it makes your device's keys), then "
             "/omemo clear_device_list (once: it makes Profanity announce your device), then "
             "/omemo start in this chat window, and write me a message.");
    case msg::omemo_on:
      return N_("Well done: our chat is now encrypted with OMEMO. But your program encrypted to my "
             "devices without checking whose they are: someone in the middle could have slipped "
             "in a device of their own.");
    case msg::omemo_verify_bot:
      return N_("Step 2: my account shows two devices, and only one of them is really mine. The "
             "page for {project_name} shows its fingerprint and a QR code. Compare the "
             "fingerprints in your program (or scan the code), verify that device, and switch the "
             "other one off (distrust it). Then write me again.");
    case msg::omemo_type_fingerprint:
      return N_("Step 3: so that I know your device too, type its own fingerprint on the page for "
             "{project_name}. The page says where your program shows it.");
    case msg::omemo_decoy_trusted:
      return N_("Your program still encrypts to my second device, which is not mine: whoever has "
             "it could read along. Switch that device off (distrust it) and write me again.");
    case msg::omemo_bot_untrusted:
      return N_("I could not read your last message: your program did not encrypt it to my real "
             "device. Verify it with the fingerprint on the page for {project_name}, then write "
             "me again.");
    case msg::omemo_device_known:
      return N_("The fingerprint you typed on the page is that of the device you write from: now "
             "I know your device.");
    case msg::otr_unreadable:
      return N_("I could not read your last encrypted message: no encrypted conversation with you "
             "is running on my side (a message may have been lost on the way). Start OTR with me "
             "again (end it first if your program still shows it), then write again.");
    case msg::omemo_unreadable:
      return N_("I could not decrypt your last message: our encrypted session was out of step "
             "(after a restart, or a new installation of your program). I have started a new "
             "one: please send your message again.");
    case msg::omemo_other_device:
      return N_("That message came from a device of your account that you have not verified with "
             "me. I read it, but anything private goes only to the device you verified. If that "
             "device is not yours, someone may be reading along: tell your teacher.");
    case msg::omemo_fingerprint_mismatch:
      return N_("The fingerprint you typed on the page is not that of any device you wrote to me "
             "from. Check it in your program and type it again. If it is right, someone in the "
             "middle may be passing our messages on: tell your teacher.");
    case msg::omemo_fingerprint_noted:
      return N_("I have the fingerprint you typed on the page: I will check it as soon as you "
             "write to me with OMEMO switched on.");
    case msg::omemo_verified:
      return N_("Both of us are verified: your program encrypts only to my real device, and I know "
             "yours. The code comes to that one device alone.");
    case msg::restarted_omemo:
      return N_("I was restarted. I kept my OMEMO keys and our sessions, so your program needs "
             "nothing new; if you had typed your device's fingerprint on the page for "
             "{project_name}, type it there again.");
    case msg::omemo_ended_early:
      return N_("You switched OMEMO off before we were done: everything you write now can be read "
             "by the servers in between.");
  }
  return "";
}

args with_defaults(const catalogs& c, std::string_view locale, args values) {
  auto fill = [&](const char* name, std::string_view msgid) {
    auto it = values.find(name);
    if (it == values.end() || it->second.empty())
      values[name] = c.text(locale, msgid);
  };
  fill("bot_title", "OTR Bot");  // a name: the same in every language
  // TRANSLATORS: {project_name} when the settings name no course; it is read
  // after "for": "the page for your course", "a tutor bot for your course".
  fill("project_name", N_("your course"));
  // TRANSLATORS: {bot_description}, after "I am {bot_title}," in the greeting.
  fill("bot_description", N_("a tutor that teaches you to chat securely with OTR"));
  return values;
}

std::string text(const catalogs& c, msg id, std::string_view locale, const args& values) {
  return c.text(locale, pattern(id), with_defaults(c, locale, values));
}

const catalogs& source_only() {
  static const catalogs none{"en_GB", {}};
  return none;
}

} // namespace otrbot::i18n
