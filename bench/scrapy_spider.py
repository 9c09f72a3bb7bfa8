"""Scrapy's peer of `greenloom crawl --depth N`: a minimal CrawlSpider following every link of the site.

scrapy runspider bench/scrapy_spider.py -a start=http://127.0.0.1:PORT/index.html [-s CLOSESPIDER_PAGECOUNT=N]

Concurrency 64 in total and per domain, robots.txt obeyed (the site allows everything), nothing
stored; prints one JSON line with pages (responses received), items (HTML pages parsed) and
elapsed seconds (spider open to close, without interpreter and Twisted start).
"""
import json
import time
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule


class BenchSpider(CrawlSpider):
    name = "bench"
    custom_settings = {
        "CONCURRENT_REQUESTS": 64,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 64,
        "CONCURRENT_REQUESTS_PER_IP": 0,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": True,
        "LOG_LEVEL": "ERROR",
        "TELNETCONSOLE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "RETRY_ENABLED": True,
        "DEPTH_LIMIT": 0,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }
    rules = (Rule(LinkExtractor(), callback="parse_page", follow=True),)

    def __init__(self, start, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.start_urls = [start]
        self.allowed_domains = [urlsplit(start).hostname]
        self.pages = 0
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.report, signal=signals.spider_closed)
        return spider

    def parse_start_url(self, response):
        return self.parse_page(response)

    def parse_page(self, response):
        self.pages += 1
        return []

    def report(self, spider, reason):
        stats = self.crawler.stats
        print(json.dumps({
            "pages": stats.get_value("response_received_count", 0),
            "html_parsed": self.pages,
            "errors": stats.get_value("downloader/exception_count", 0),
            "elapsed_s": round(time.monotonic() - self.started, 3),
            "reason": reason,
        }))
