"""The teacher view: an instructor's launch sees the students of the same placement, their
steps, who may be stuck, and each grade's delivery, and sends a grade the LMS refused again."""
import asyncio
import html
import re

import lxml.html

import requests

from harness import fresh_account
from lms import OutcomeService, WebStudent, launch_params, sign
from lms import SECRET, do_lesson_in_chat, through_the_pages, web_bot


def rows(page, with_client=False):
    """(student, jid, step, last progress, grade) per table row, as the teacher reads them (the
    chat program after the JID when `with_client`), read by a strict HTML parser."""
    out = []
    for tr in lxml.html.fromstring(page).xpath('//table[@id="class"]/tbody/tr'):
        cells = [" ".join(td.text_content().split()) for td in tr.xpath("./td")]
        labels = [td.get("data-label") for td in tr.xpath("./td")]
        assert labels == ["Student", "Jabber ID", "Chat program", "Step", "Last progress", "Grade"]
        out.append(tuple(cells if with_client else cells[:2] + cells[3:]))
    return out


def test_an_instructor_sees_the_class_and_sends_a_refused_grade_again(prosody, run_bot):
    lms = OutcomeService(failures=[500])  # the first attempt fails: the grade waits in the outbox
    ada = fresh_account(prosody, "ada")
    # The outbox's own retry waits 10 minutes: only the teacher's "send again" delivers it here.
    bot, bot_jid, base = web_bot(prosody, run_bot, tail="[grades]\nfirst_retry = 600\nmax_retry = 3600\n")
    try:
        teacher = WebStudent(base)
        page = teacher.launch(sign(base + "/", launch_params(user="teacher-1", roles="Instructor")))
        assert 'id="class_link"' in page.text
        view = teacher.get("/class")
        assert view.status_code == 200 and 'id="empty"' in view.text

        student = WebStudent(base)
        student.launch(sign(base + "/", launch_params(
            user="student-1", outcome_url=lms.url, sourcedid="sid-ada",
            lis_person_name_full="Ada <b>Lovelace</b>")))
        through_the_pages(student, ada)
        late = WebStudent(base)  # launched, no JID yet
        late.launch(sign(base + "/", launch_params(user="student-2", lis_person_name_given="Bob",
                                                   lis_person_name_family="Late")))
        # Somebody else's placement is not this class.
        other = WebStudent(base)
        other.launch(sign(base + "/", launch_params(user="student-3", resource_link_id="elsewhere")))

        listed = rows(teacher.get("/class").text)
        # The lesson's name first (OTR or OMEMO), then the step.
        assert ("Ada <b>Lovelace</b>", ada,
                "OTR: Step 1 of 4: start an encrypted OTR conversation with the bot.",
                "just now", "Not yet") in listed, listed
        assert ("Bob Late", "-", "Not started: no Jabber ID yet", "-",
                "No grade (not a graded launch)") in listed, listed
        assert len(listed) == 2
        # The bot does not know Ada's program yet (her client has not said which it is).
        assert rows(teacher.last.text, with_client=True)[0][2] == "not known yet"
        assert "&lt;b&gt;" in teacher.last.text  # the name the LMS sent, escaped
        # Ada opens the exercise again (a new visit, no JID in it): her row still has her JID.
        again = WebStudent(base)
        again.launch(sign(base + "/", launch_params(
            user="student-1", outcome_url=lms.url, sourcedid="sid-ada",
            lis_person_name_full="Ada <b>Lovelace</b>")))
        assert rows(teacher.get("/class").text) == listed

        code = asyncio.run(do_lesson_in_chat(prosody, ada, bot_jid))
        student.get("/enter_bot_secret")
        student.post("/enter_bot_secret", bot_secret=code)
        assert 'id="done"' in student.last.text
        bot.wait_for_log(r"grade \d+ for \S+ not delivered to \S+ \(the LMS answered HTTP 500\)")
        view = teacher.get("/class")
        listed = rows(view.text)
        assert ("Ada <b>Lovelace</b>", ada, "OTR: Done: you have completed the exercise.", "-",
                "Being sent to the LMS Send again") in listed, listed
        grade_id = re.search(r'name="grade" value="(\d+)"', view.text).group(1)

        # A learner (or anyone without the instructor's launch) cannot see or resend.
        assert student.get("/class").status_code == 403
        refused = student.http.post(base + "/class/resend", data={
            "s": student.token, "csrf": student.csrf, "grade": grade_id}, allow_redirects=False)
        assert refused.status_code == 403
        forged = teacher.http.post(base + "/class/resend", data={
            "s": teacher.token, "csrf": "forged", "grade": grade_id}, allow_redirects=False)
        assert forged.status_code == 403

        teacher.post("/class/resend", grade=grade_id)
        assert teacher.last.url.split("?")[0].endswith("/class")
        assert lms.wait_for(2)[-1] == (True, True, "sid-ada", "1.0")  # after the refused first
        bot.wait_for_log(r"teacher view: grade %s for %s is sent again now" % (grade_id, re.escape(ada)))
        bot.wait_for_log(r"grade %s of 1\.0 for \S+ accepted" % grade_id)
        listed = rows(teacher.get("/class").text)
        assert ("Ada <b>Lovelace</b>", ada, "OTR: Done: you have completed the exercise.", "-",
                "Accepted by the LMS") in listed, listed
        assert SECRET not in bot.log
    finally:
        lms.close()


def test_development_mode_shows_its_class_to_every_visit(prosody, run_bot):
    """Without an LMS: each visit of the pages is a student of the development class, and the
    banner's link shows it (there is no instructor's launch to try the teacher view with)."""
    first, second = fresh_account(prosody, "student"), fresh_account(prosody, "student")
    bot, bot_jid, base = web_bot(prosody, run_bot, lti_extra="enabled = false")
    visits = []
    for jid in (first, second):
        web = WebStudent(base)
        r = web._remember(web.http.get(base + "/", timeout=30))
        assert 'id="dev_class"' in r.text
        through_the_pages(web, jid)
        visits.append(web)
    view = visits[0].get("/class")
    assert view.status_code == 200, view.text
    listed = rows(view.text)
    assert sorted(r[:2] for r in listed) == [("Development student 1", first),
                                             ("Development student 2", second)]
    assert 'id="dev_class"' not in view.text  # the link is not on the page it leads to
