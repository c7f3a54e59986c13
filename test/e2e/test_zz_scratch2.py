import re, time
from harness import fresh_account
from lms import OutcomeService, WebStudent, launch_params, sign
from mcabber import Mcabber
from test_lms import PW, SECRET, through_the_pages, web_bot

def test_scratch(prosody, run_bot, tmp_path):
    server = prosody
    student = fresh_account(server, "mcabber")
    bot, bot_jid, base = web_bot(server, run_bot)
    web = WebStudent(base)
    assert web.launch(sign(base + "/", launch_params())).status_code == 200
    through_the_pages(web, student)
    client = Mcabber(str(tmp_path), server.ca_crt, student, PW, server.port)
    try:
        time.sleep(4)
        open("/tmp/m1.txt","w").write(client.screen())
        client.type("/say_to %s hello" % bot_jid)
        time.sleep(3)
        open("/tmp/m2.txt","w").write(client.screen())
        client.type("/roster search %s" % bot_jid)
        time.sleep(1)
        client.type("")
        time.sleep(1)
        open("/tmp/m3.txt","w").write(client.screen())
        client.type("/otr start .")
        time.sleep(2)
        client.type("/otrpolicy . manual")
        time.sleep(1)
        client.type("/otr start .")
        time.sleep(3)
        open("/tmp/m4.txt","w").write(client.screen())
        client.type("/otr smpq . %s" % SECRET)
        time.sleep(4)
        open("/tmp/m5.txt","w").write(client.screen())
        client.type("/otr fingerprint .")
        time.sleep(1)
        open("/tmp/m6.txt","w").write(client.screen())
    finally:
        client.close()
