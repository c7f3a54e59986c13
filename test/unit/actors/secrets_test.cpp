// Secrets: NFC and trimming, the strength rule, codes from a random source, constant-time compare.
#include "transport/base/secrets.hpp"

#include <catch2/catch.hpp>

using namespace otrbot::secrets;

TEST_CASE("secrets are NFC-normalised and trimmed, so both sides type the same bytes") {
  // "é" as e + combining acute becomes the single code point U+00E9.
  CHECK(normalise("  caf\x65\xCC\x81 au lait\t\n") == "caf\xC3\xA9 au lait");
  CHECK(normalise("\xE3\x80\x80wide space\xE3\x80\x80") == "wide space");  // U+3000
  CHECK(normalise("inner  spaces stay") == "inner  spaces stay");
  CHECK_FALSE(normalise("bad \xFF utf-8"));
}

TEST_CASE("weak secrets are refused with a reason") {
  CHECK(weakness("short") == "a secret needs at least 8 characters");
  CHECK(weakness("aaaabbbb") == "a secret needs at least 5 different characters");
  CHECK(weakness("PassWord") == "it is one of the best-known passwords");
  CHECK(weakness("12345678"));
  CHECK(weakness("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"));  // 4 characters, 8 bytes
}

TEST_CASE("strong enough secrets pass") {
  CHECK_FALSE(weakness("purple tractor 42"));
  CHECK_FALSE(weakness("mijn geheim"));
  CHECK_FALSE(weakness("\xD0\xBF\xD0\xB0\xD1\x80\xD0\xBE\xD0\xBB\xD1\x8C\xD0\xBA\xD0\xB8\xD0\xB9"));
}

TEST_CASE("codes follow the format with characters from the alphabet only") {
  std::uint8_t next = 0;
  auto counting = [&](std::uint8_t* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
      out[i] = next++;
  };
  auto code = make_code("XXXX-XXXX", counting);
  CHECK(code == "ABCD-FGHJ");  // byte 4 belongs to the '-', which stays
  for (int i = 0; i < 50; ++i)
    for (char c : make_code("XXXXXXXX", counting))
      CHECK(code_alphabet.find(c) != std::string_view::npos);
  CHECK(make_code("AB-XX", [](std::uint8_t* o, std::size_t n) { std::fill(o, o + n, 0xff); }) ==
        "AB-99");
}

TEST_CASE("the alphabet has no look-alikes") {
  CHECK(code_alphabet.size() == 32);
  for (char c : {'0', 'O', '1', 'I'})
    CHECK(code_alphabet.find(c) == std::string_view::npos);
}

TEST_CASE("a typed code matches in any case, with any spaces or dashes, or none") {
  CHECK(code_matches("ABCD-EF23", "ABCD-EF23"));
  CHECK(code_matches("ABCD-EF23", "  abcd-ef23\n"));
  CHECK(code_matches("PL2F-A3ZR", "pl2f a3zr"));           // a space instead of the dash
  CHECK(code_matches("PL2F-A3ZR", "PL2FA3ZR"));            // no separator
  CHECK(code_matches("PL2F-A3ZR", "pl2f\t - a3zr"));
  CHECK(code_matches("PL2F-A3ZR", "PL2F\u2013A3ZR"));      // an en dash, as phones type it
  CHECK(code_matches("PL2F-A3ZR", "PL2F\u00a0A3ZR"));      // a no-break space
  CHECK(code_matches("PL2F-A3ZR", "P L 2 F A 3 Z R"));
  CHECK_FALSE(code_matches("ABCD-EF23", "ABCD-EF24"));
  CHECK_FALSE(code_matches("ABCD-EF23", "ABCD-EF2"));
  CHECK_FALSE(code_matches("ABCD-EF23", "ABCD.EF23"));     // not a separator people use for codes
  CHECK_FALSE(code_matches("ABCD-EF23", "ABCD-EF23\xff")); // not UTF-8
  CHECK_FALSE(code_matches("", ""));
  CHECK_FALSE(code_matches("-", "-"));
}

TEST_CASE("a code that cannot be one says why: characters, length, look-alikes") {
  CHECK_FALSE(code_format_problem("XXXX-XXXX", "PL2F-A3ZR"));
  CHECK_FALSE(code_format_problem("XXXX-XXXX", "pl2f a3zr"));
  CHECK_FALSE(code_format_problem("XXXX-XXXX", "ZZZZ ZZZZ"));  // the wrong code, but a code
  auto chars = code_format_problem("XXXX-XXXX", "PL2F/A3ZR");
  REQUIRE(chars);
  CHECK(chars->reason == "a code has only letters and digits (and perhaps a dash)");
  auto length = code_format_problem("XXXX-XXXX", "PL2F-A3Z");
  REQUIRE(length);
  CHECK(length->reason == "the code has {expected} letters and digits, and you typed {typed}");
  CHECK(length->expected == 8);
  CHECK(length->typed == 7);
  CHECK(code_format_problem("XXXX-XXXX", "PL2F-A3ZRR")->typed == 9);
  for (const char* lookalike : {"PL2F-A3Z0", "PL2F-A3ZO", "1L2F-A3ZR", "PL2F-I3ZR"}) {
    auto p = code_format_problem("XXXX-XXXX", lookalike);
    REQUIRE(p);
    CHECK(std::string{p->reason}.starts_with("codes never contain 0, O, 1 or I"));
  }
  // Literal characters of the format are the code's own.
  CHECK_FALSE(code_format_problem("OTR-XX", "otr-ab"));
}

TEST_CASE("constant-time equality") {
  CHECK(constant_time_equal("same", "same"));
  CHECK_FALSE(constant_time_equal("same", "sane"));
  CHECK_FALSE(constant_time_equal("same", "samey"));
}

TEST_CASE("a secret with a control character (NUL, escape, line break) is no text") {
  using otrbot::secrets::normalise;
  CHECK_FALSE(normalise(std::string("purple\0elephant", 15)));
  CHECK_FALSE(normalise("purple\x1b[31melephant"));
  CHECK_FALSE(normalise("purple\nelephant"));
  CHECK(normalise("  purple elephant  ") == std::optional<std::string>{"purple elephant"});
}
