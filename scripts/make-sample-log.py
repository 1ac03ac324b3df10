#!/usr/bin/python3
"""Writes scenarios/logs/sample-access.log: a SYNTHETIC nginx access log for lbsim's replay.

The lines are in the Cerebrum seed's `main_ext` log_format (seeds/000_ed1a8df81786f13a.txt,
lines 66-73) and the requests follow the seed: the Artillery scenarios' flows and weights
(authentication 20, course browsing 30, enrollment 25, assessment 20, analytics 5), the API
server's locations (auth, users, courses, enrollments, payments, analytics, notifications,
assessments, socket.io) and the static server's /static/ assets. Nothing here was recorded
from a real system.

Deterministic: a fixed seed, Python's own random.Random (the Mersenne Twister, the same on
every platform), no third-party modules. Run from anywhere:

    /usr/bin/python3 scripts/make-sample-log.py [output-path]
"""

import math
import os
import random
import sys

SEED = 20231114
DURATION = 300.0  # seconds of traffic
SESSION_RATE = 0.5  # new sessions per second (Poisson)
START = 1699936200  # 2023-11-14 04:30:00 UTC, 10:00:00 in India (+0530)
OFFSET_MINUTES = 330  # the log's $time_local zone, +0530
API_HOST = "api.cerebrumbiologyacademy.com"
STATIC_HOST = "static.cerebrumbiologyacademy.com"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# Clients: documentation addresses (RFC 5737, RFC 3849), a few much more active than others.
CLIENTS = (["192.0.2.%d" % n for n in (10, 23, 57, 101, 188)] +
           ["198.51.100.%d" % n for n in (4, 23, 77, 150)] +
           ["203.0.113.%d" % n for n in (7, 42, 99)] +
           ["2001:db8:4:1::17", "2001:db8:9:3::2a"])
CLIENT_WEIGHTS = [1.0 / (k + 1) for k in range(len(CLIENTS))]  # Zipf-like activity

AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0.0.0 Mobile Safari/537.36",
    "Artillery Load Test",
]

# Upstream servers as the seed's nginx.conf names its pools (addresses made up).
UPSTREAMS = {
    "user": ["10.0.1.11:3000", "10.0.1.12:3000", "10.0.1.13:3000"],
    "course": ["10.0.2.11:3000", "10.0.2.12:3000"],
    "enrollment": ["10.0.3.%d:3000" % n for n in range(11, 16)],
    "payment": ["10.0.4.11:3000", "10.0.4.12:3000"],
    "analytics": ["10.0.5.%d:3000" % n for n in range(11, 15)],
    "communication": ["10.0.6.11:3000", "10.0.6.12:3000"],
    "assessment": ["10.0.7.%d:3000" % n for n in range(11, 16)],
}

# Median service time in seconds per kind of request (lognormal, sigma 0.6).
MEDIAN = {"login": 0.080, "profile": 0.025, "courses": 0.040, "course": 0.030,
          "lessons": 0.045, "enroll": 0.120, "enrollment": 0.030, "questions": 0.060,
          "submit": 0.150, "event": 0.008, "payment": 0.400, "notifications": 0.020,
          "socket": 0.004, "static": 0.002}


def time_local(t):
    """$time_local of epoch second t in the +0530 zone, as nginx writes it."""
    local = int(t) + OFFSET_MINUTES * 60
    days, rest = divmod(local, 86400)
    # civil date from days since 1970-01-01 (proleptic Gregorian)
    y, m, d = 1970, 1, 1
    while True:
        leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
        n = 366 if leap else 365
        if days < n:
            break
        days -= n
        y += 1
    lengths = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    while days >= lengths[m - 1]:
        days -= lengths[m - 1]
        m += 1
    d += days
    sign = "+" if OFFSET_MINUTES >= 0 else "-"
    off = abs(OFFSET_MINUTES)
    return "%02d/%s/%04d:%02d:%02d:%02d %s%02d%02d" % (
        d, MONTHS[m - 1], y, rest // 3600, rest // 60 % 60, rest % 60, sign, off // 60, off % 60)


def flows(rng):
    """The request steps of one session: (method, uri, kind, pool, host)."""
    course = rng.choice(["course_1", "course_2", "course_3", "course_4", "course_5"])
    login = ("POST", "/api/auth/login", "login", "user", API_HOST)
    pick = rng.choices(["auth", "browse", "enroll", "assess", "analytics"],
                       weights=[20, 30, 25, 20, 5])[0]
    if pick == "auth":
        steps = [login, ("GET", "/api/users/profile", "profile", "user", API_HOST),
                 ("GET", "/api/notifications/unread", "notifications", "communication",
                  API_HOST)]
    elif pick == "browse":
        steps = [("GET", "/api/courses?page=%d&limit=20" % rng.randint(1, 10), "courses",
                  "course", API_HOST),
                 ("GET", "/api/courses/" + course, "course", "course", API_HOST),
                 ("GET", "/api/courses/%s/lessons" % course, "lessons", "course", API_HOST)]
    elif pick == "enroll":
        enrollment = "enr_%05d" % rng.randint(1, 99999)
        steps = [login, ("POST", "/api/enrollments", "enroll", "enrollment", API_HOST),
                 ("GET", "/api/enrollments/" + enrollment, "enrollment", "enrollment",
                  API_HOST)]
        if rng.random() < 0.3:
            steps.append(("POST", "/api/payments/intent", "payment", "payment", API_HOST))
    elif pick == "assess":
        steps = [login,
                 ("GET", "/api/assessments/questions/random?count=10&difficulty=medium",
                  "questions", "assessment", API_HOST),
                 ("POST", "/api/assessments/submit", "submit", "assessment", API_HOST)]
    else:
        steps = [("POST", "/api/analytics/events", "event", "analytics", API_HOST)]
    if rng.random() < 0.25:  # a page load's assets from the static server
        steps.insert(0, ("GET", rng.choice(["/static/js/app.3f9a1c.js", "/static/css/app.8b2e4d.css",
                                             "/static/img/logo.png", "/static/img/hero.jpg"]),
                         "static", None, STATIC_HOST))
    if rng.random() < 0.1:
        steps.append(("GET", "/socket.io/?EIO=4&transport=polling", "socket", "communication",
                      API_HOST))
    return steps


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "scenarios", "logs",
                                                             "sample-access.log")
    rng = random.Random(SEED)
    entries = []  # (log time, sequence, line)
    t = 0.0
    sequence = 0
    while True:
        t += rng.expovariate(SESSION_RATE)
        if t >= DURATION:
            break
        client = rng.choices(CLIENTS, weights=CLIENT_WEIGHTS)[0]
        agent = rng.choice(AGENTS)
        start = START + t
        for method, uri, kind, pool, host in flows(rng):
            rt = MEDIAN[kind] * math.exp(0.6 * rng.gauss(0.0, 1.0))
            status, size = 200, rng.randint(200, 4000)
            ua = us = ut = ul = "-"
            cs = "-"
            if kind == "static":
                cs = "HIT" if rng.random() < 0.8 else "MISS"
                size = rng.randint(2000, 90000)
            elif kind == "login" and rng.random() < 0.05:
                status, size, rt = 429, 0, 0.0  # limit_req zone=auth, rejected at the gateway
            elif method == "GET" and kind in ("course", "courses", "lessons") \
                    and rng.random() < 0.4:
                cs = "HIT"  # proxy_cache api_cache
            else:
                if kind in ("enroll", "submit", "payment"):
                    status = 201
                elif kind == "login" and rng.random() < 0.08:
                    status = 401  # a wrong password
                servers = UPSTREAMS[pool]
                first = rng.choice(servers)
                if rng.random() < 0.02:  # proxy_next_upstream after a 502
                    second = rng.choice([s for s in servers if s != first])
                    t1 = rng.uniform(0.001, 0.005)
                    ua, us = first + ", " + second, "502, %d" % status
                    ut = "%.3f, %.3f" % (t1, rt)
                    ul = "0, %d" % size
                    rt += t1
                else:
                    ua, us, ut, ul = first, str(status), "%.3f" % rt, str(size)
                cs = "MISS" if method == "GET" and kind != "socket" else "-"
            rt = round(rt + 0.001, 3)  # nginx's own share: reading and writing
            end = start + rt
            referer = "https://cerebrumbiologyacademy.com/courses" if rng.random() < 0.5 else "-"
            line = ('%s - - [%s] "%s %s HTTP/1.1" %d %d "%s" "%s" "-" "%s" sn="%s" rt=%.3f '
                    'ua="%s" us="%s" ut="%s" ul="%s" cs=%s') % (
                        client, time_local(end), method, uri, status, size, referer, agent, host,
                        host, rt, ua, us, ut, ul, cs)
            entries.append((end, sequence, line))
            sequence += 1
            start = end + rng.uniform(0.5, 4.0)  # think time before the next step
    # nginx writes a line when its request ends: the log is in log-time order.
    entries.sort()
    with open(out, "w", encoding="ascii", newline="\n") as f:
        for _, _, line in entries:
            f.write(line + "\n")
    print("%s: %d lines" % (out, len(entries)))


if __name__ == "__main__":
    main()
