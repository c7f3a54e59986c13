import re, time
from harness import fresh_account
from lms import OutcomeService, WebStudent, launch_params, sign
from profanity import Profanity
from test_lms import PW, SECRET, through_the_pages, web_bot

def test_scratch(prosody, run_bot, tmp_path):
    server = prosody
    student = fresh_account(server, "profanity")
    bot, bot_jid, base = web_bot(server, run_bot)
    client = Profanity(str(tmp_path), server.ca_crt)
    try:
        web = WebStudent(base)
        assert web.launch(sign(base + "/", launch_params())).status_code == 200
        client.connect(student, PW, server.port)
        through_the_pages(web, student)
        client.type("/otr gen")
        client.wait_for(r"Private key generation complete")
        client.type("/msg %s hello" % bot_jid)
        client.wait_for(r"Step 1 in Profanity")
        time.sleep(2)
        open("/tmp/scr2.txt","w").write(client.screen())
        client.type("/otr start")
        client.wait_for(r"OTR session started")
        time.sleep(1)
        client.type("/sub request")
        time.sleep(3)
        open("/tmp/scr3.txt","w").write(client.screen())
        client.type("/roster")
        time.sleep(1)
        open("/tmp/scr4.txt","w").write(client.screen())
    finally:
        client.close()
