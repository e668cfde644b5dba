/**
 * The hand-written part of the dual-report demo: the 41 service categories and the first batch of
 * 10 practical projects launched on 2019-12-31 (the article gives their number, not their names;
 * these are the kind of items Qixia's programme lists), what the municipal units typically offer,
 * and the compounds of the 12 urban communities (the same names the org demo uses).
 */

export type PlaceKind = 'building' | 'outdoor' | 'centre';

export interface CategorySpec {
  code: string;
  name: string;
  nameEn: string;
  place: PlaceKind;
  /** What residents report. */
  need: string;
  /** What a unit promises publicly (公开履诺); `{c}` is the compound. */
  pledge: string;
  /** The evidence note written when the item is done. */
  note: string;
}

const cat = (n: number, name: string, nameEn: string, place: PlaceKind, need: string, pledge: string, note: string): CategorySpec => ({
  code: `S${String(n).padStart(2, '0')}`, name, nameEn, place, need, pledge, note,
});

/** 细化41大类服务事项. */
export const CATEGORIES: readonly CategorySpec[] = [
  cat(1, '环境卫生', 'Environmental sanitation', 'building', '楼道和单元门口杂物堆积，影响通行和消防安全', '集中服务日清理{c}楼道杂物和卫生死角', '清理楼道杂物三车，清扫卫生死角八处'),
  cat(2, '垃圾分类', 'Waste sorting', 'outdoor', '小区垃圾分类投放点无人引导，混投现象严重', '在{c}开展垃圾分类督导和入户宣传', '督导垃圾分类投放，入户发放宣传页60份'),
  cat(3, '绿化美化', 'Greening', 'outdoor', '小区绿地黄土裸露，部分树木枯死需要补植', '为{c}补植绿化苗木、修剪树木', '补植冬青120株，修剪行道树30棵'),
  cat(4, '道路设施', 'Roads and facilities', 'outdoor', '小区道路坑洼破损，雨天积水，老人出行不便', '修补{c}破损路面和排水设施', '修补路面坑槽12处，疏通排水口'),
  cat(5, '楼道照明', 'Stairwell lighting', 'building', '楼道声控灯损坏多日，夜间上下楼看不清', '为{c}更换损坏的楼道声控灯', '更换楼道声控灯18盏，逐层试亮'),
  cat(6, '供水供暖', 'Water and heating', 'building', '冬季暖气不热，居民反映室温偏低', '为{c}住户排查供暖管网、入户测温', '入户测温25户，排查管网阀门，协调热力公司调压'),
  cat(7, '用电安全', 'Electrical safety', 'building', '楼道私拉电线给电动车充电，存在火灾隐患', '在{c}开展入户用电安全检查', '入户检查线路40户，拆除飞线5处'),
  cat(8, '消防安全', 'Fire safety', 'building', '消防通道被车辆占用，灭火器过期未更换', '为{c}检查消防设施、宣讲消防知识', '检查灭火器56具，清理消防通道，开展疏散演练'),
  cat(9, '治安巡逻', 'Security patrols', 'outdoor', '小区夜间有陌生人员出入，居民担心安全', '集中服务日在{c}开展治安巡逻', '夜间巡逻两小时，检查单元门禁12处'),
  cat(10, '交通秩序', 'Traffic order', 'outdoor', '小区门口早晚高峰车辆乱停，学生过马路危险', '上下学时段在{c}门口疏导交通', '早高峰疏导交通，劝离乱停车辆15辆'),
  cat(11, '助老助残', 'Help for the elderly and disabled', 'building', '独居老人行动不便，需要定期探望和代办', '结对帮扶{c}独居老人，定期上门探望', '上门探望独居老人6户，代购生活用品'),
  cat(12, '老年助餐', 'Meals for the elderly', 'centre', '高龄老人做饭困难，希望有助餐服务', '为{c}高龄老人送餐上门', '为高龄老人送餐20份，收集口味意见'),
  cat(13, '关爱儿童', 'Care for children', 'centre', '双职工家庭孩子放学后无人看护', '为{c}留守和困境儿童开展关爱活动', '陪伴儿童开展手工和阅读活动，发放学习用品'),
  cat(14, '助学帮困', 'Education aid', 'building', '困难家庭学生缺少学习用品和课业辅导', '资助{c}困难家庭学生、结对辅导', '结对辅导学生4名，发放助学物品'),
  cat(15, '四点半课堂', 'After-school classes', 'centre', '希望社区开设放学后的作业辅导课堂', '在{c}开设“四点半课堂”作业辅导', '辅导作业两小时，参加学生18名'),
  cat(16, '医疗义诊', 'Free clinics', 'centre', '老年人慢性病多，希望医生上门测血压血糖', '在{c}开展义诊，测血压血糖', '义诊测血压血糖73人次，建立健康档案'),
  cat(17, '健康讲座', 'Health talks', 'centre', '居民希望了解高血压和糖尿病的防治知识', '为{c}居民举办健康知识讲座', '举办慢病防治讲座，参加居民45人'),
  cat(18, '心理疏导', 'Counselling', 'centre', '部分独居老人和青少年存在心理压力', '为{c}居民提供心理咨询和疏导', '一对一心理疏导5人次，开设减压讲座'),
  cat(19, '法律援助', 'Legal aid', 'centre', '居民遇到房屋买卖和赡养纠纷，需要法律咨询', '在{c}开展法律咨询和援助', '解答法律咨询14件，代写文书2份'),
  cat(20, '矛盾调解', 'Dispute mediation', 'building', '楼上楼下因漏水产生邻里纠纷', '参与{c}邻里矛盾纠纷调解', '调解邻里漏水纠纷，双方签订调解协议'),
  cat(21, '政策宣讲', 'Policy briefings', 'centre', '居民对户籍进社区、医保新政策不了解', '到{c}开展惠民政策宣讲', '宣讲惠民政策，发放明白纸120份'),
  cat(22, '就业帮扶', 'Employment help', 'centre', '小区有失业人员和零就业家庭需要帮扶', '为{c}失业人员推荐就业岗位', '推送就业岗位36个，登记求职意向9人'),
  cat(23, '技能培训', 'Skills training', 'centre', '居民希望学习家政、电商等实用技能', '为{c}居民开展实用技能培训', '开展家政技能培训，参训居民22人'),
  cat(24, '社保咨询', 'Social insurance advice', 'centre', '老人不会办理养老认证和医保报销', '在{c}现场办理社保、医保业务', '现场办理养老认证31人，解答医保报销问题'),
  cat(25, '文体活动', 'Culture and sports', 'outdoor', '居民希望组织广场舞、书画等文体活动', '在{c}组织文体活动', '组织文艺汇演，居民参与80余人'),
  cat(26, '文明实践', 'Civic practice', 'outdoor', '希望开展新时代文明实践和志愿服务活动', '在{c}开展新时代文明实践活动', '开展文明实践活动，评选“好邻居”3户'),
  cat(27, '家电维修', 'Appliance repair', 'centre', '老人家里电器损坏，不会修也没人修', '为{c}居民免费维修小家电', '免费维修电饭锅、电风扇等小家电21件'),
  cat(28, '便民理发', 'Free haircuts', 'centre', '行动不便的老人理发难', '为{c}老人免费理发', '为老人免费理发26人次'),
  cat(29, '房屋安全', 'Housing safety', 'building', '老旧楼房外墙脱落、屋面漏雨', '对{c}老旧楼房开展安全排查', '排查楼房8栋，标记外墙空鼓3处并报修'),
  cat(30, '物业协调', 'Property-management mediation', 'centre', '业主与物业公司因收费和服务产生矛盾', '协调{c}业主与物业服务问题', '召开业主、物业协调会，形成整改清单'),
  cat(31, '停车管理', 'Parking', 'outdoor', '小区停车位不足，车辆乱停堵塞通道', '为{c}规划停车位、施划标线', '施划停车位46个，设置引导标识'),
  cat(32, '困难帮扶', 'Hardship relief', 'building', '困难家庭生活困难，需要救助', '走访慰问{c}困难家庭', '走访慰问困难家庭5户，送去米面油'),
  cat(33, '退役军人服务', "Veterans' services", 'centre', '退役军人希望了解优抚政策', '为{c}退役军人开展政策咨询和走访', '走访退役军人8户，解答优待政策'),
  cat(34, '反诈宣传', 'Anti-fraud awareness', 'building', '老年人接到诈骗电话，防范意识薄弱', '在{c}开展防诈骗宣传', '入户宣传防诈骗，指导安装国家反诈中心App 50人'),
  cat(35, '食品安全', 'Food safety', 'outdoor', '小区周边小餐饮卫生状况差', '对{c}周边餐饮开展食品安全检查', '检查周边餐饮店9家，宣传食品安全知识'),
  cat(36, '防疫服务', 'Epidemic prevention', 'outdoor', '需要志愿者协助核酸检测和疫苗接种引导', '协助{c}开展防疫宣传和服务', '协助疫苗接种引导，登记信息120人'),
  cat(37, '防汛抗灾', 'Flood and disaster prevention', 'outdoor', '汛期地下室和低洼处容易进水', '汛前排查{c}低洼积水隐患', '排查地下室和低洼处7处，备好沙袋'),
  cat(38, '农技指导', 'Orchard advice', 'centre', '居民家庭果园需要苹果种植技术指导', '为{c}居民提供果树管理技术指导', '讲解苹果疏花疏果技术，现场答疑'),
  cat(39, '金融知识', 'Financial literacy', 'centre', '老年人不会使用手机支付，担心理财骗局', '在{c}普及金融知识和防范非法集资', '讲解手机支付安全，识别非法集资'),
  cat(40, '科普宣传', 'Science outreach', 'centre', '希望为孩子和老人开展科普活动', '在{c}开展科普宣传活动', '开展防灾减灾科普，发放宣传册90份'),
  cat(41, '邻里互助', 'Neighbourly help', 'building', '居民希望建立邻里互助队，帮扶特殊群体', '组织{c}党员和居民结成邻里互助对子', '结成邻里互助对子10对，建立联系台账'),
];

/** Volunteer activities members sign up for (individual items). */
export const INDIVIDUAL_CATEGORIES = ['S01', 'S02', 'S09', 'S25', 'S26', 'S36', 'S41'] as const;

export interface PracticalProjectSpec {
  code: string;
  name: string;
  description: string;
  /** Categories whose items and projects belong to it. */
  categories: string[];
  /** Project names; `{c}` is a compound, `{s}` the community's short name. */
  project: string;
}

/** 首批10件惠民实事, launched with the campaign on 2019-12-31. */
export const PRACTICAL_PROJECTS: readonly PracticalProjectSpec[] = [
  { code: 'HM01', name: '老旧小区道路硬化', description: '双报到单位协调资金，对破损的小区道路和周边道路进行硬化', categories: ['S04'], project: '{c}道路硬化' },
  { code: 'HM02', name: '楼道“亮灯工程”', description: '更换、加装老旧楼房楼道声控灯，让居民夜间出行不再摸黑', categories: ['S05', 'S07'], project: '{c}楼道亮灯改造' },
  { code: 'HM03', name: '便民服务台进楼栋', description: '在楼栋安装便民服务台，公开社区工作者信息和常用办事热线', categories: ['S21', 'S41'], project: '{c}便民服务台安装' },
  { code: 'HM04', name: '社区党群服务中心提档升级', description: '改造社区党群服务中心，设置一站式服务窗口和活动室', categories: ['S25', 'S26'], project: '{s}社区党群服务中心改造' },
  { code: 'HM05', name: '老年助餐点建设', description: '依托社区建设老年助餐点，为高龄、独居老人提供助餐送餐', categories: ['S11', 'S12'], project: '{s}社区老年助餐点' },
  { code: 'HM06', name: '“四点半课堂”', description: '放学后为双职工家庭子女提供作业辅导和看护', categories: ['S13', 'S14', 'S15'], project: '{s}社区“四点半课堂”' },
  { code: 'HM07', name: '小区垃圾分类示范', description: '建设垃圾分类示范小区，设置分类投放点并安排督导', categories: ['S02', 'S01'], project: '{c}垃圾分类示范点' },
  { code: 'HM08', name: '背街小巷环境整治', description: '整治背街小巷乱堆乱放、乱停乱占，补植绿化', categories: ['S03', 'S31'], project: '{c}周边背街小巷整治' },
  { code: 'HM09', name: '社区义诊进家门', description: '医疗卫生单位定期进社区义诊，为老人建立健康档案', categories: ['S16', 'S17'], project: '{s}社区家门口义诊' },
  { code: 'HM10', name: '小区安防监控全覆盖', description: '在小区出入口和重点部位加装监控，提升小区安全', categories: ['S09', 'S08'], project: '{c}安防监控加装' },
];

/** What a unit tends to offer, by a word in its name; the rest offer the general categories. */
export const UNIT_AFFINITY: readonly [string, string[]][] = [
  ['自然资源', ['S04', 'S03', 'S21', 'S29']],
  ['住房和城乡建设', ['S04', 'S29', 'S30', 'S06']],
  ['教育和体育', ['S14', 'S15', 'S25', 'S13']],
  ['人力资源', ['S22', 'S23', 'S24']],
  ['卫生健康', ['S16', 'S17', 'S18', 'S36']],
  ['公安', ['S09', 'S34', 'S10', 'S20']],
  ['供电', ['S07', 'S27', 'S05']],
  ['民政', ['S11', 'S32', 'S12']],
  ['医疗保障', ['S24', 'S21', 'S32']],
  ['退役军人', ['S33', 'S26', 'S09']],
  ['司法', ['S19', 'S20', 'S34']],
  ['市场监督', ['S35', 'S39', 'S21']],
  ['财政', ['S39', 'S21', 'S14']],
  ['交通运输', ['S04', 'S10', 'S31']],
  ['城市管理', ['S01', 'S02', 'S31', 'S03']],
  ['人民医院', ['S16', 'S17', 'S11']],
  ['中学', ['S15', 'S13', 'S14', 'S40']],
  ['水务', ['S06', 'S37']],
  ['农业农村', ['S38', 'S03', 'S35']],
  ['应急管理', ['S08', 'S37', 'S40']],
];
export const GENERAL_CATEGORIES = ['S01', 'S11', 'S21', 'S26', 'S28', 'S41'];

/** Compounds of the 12 urban communities, as in the org demo (挡风玻璃厂小区 lies in 涌泉社区). */
export const COMPOUNDS: Record<string, string[]> = {
  翠亭: ['御景小区', '翠亭小区', '粮食局宿舍'],
  迎宾: ['翠屏名苑', '迎宾花园', '迎宾小区', '县医院家属院'],
  涌泉: ['挡风玻璃厂小区', '涌泉佳苑', '百货公司家属院'],
  东盛: ['东盛家园', '东盛名居', '纺织厂宿舍'],
  向阳: ['向阳小区', '霞光苑', '供销社家属院'],
  万达: ['万达华府', '万达新城', '农机厂宿舍'],
  龙腾: ['龙腾花园', '龙腾嘉苑', '龙山小区', '二轻局宿舍'],
  文水: ['金水湾小区', '文水花园', '水利局宿舍'],
  英炜: ['英炜佳园', '鼎盛华庭', '印刷厂宿舍'],
  东山: ['东山名郡', '东山小区', '丝绸厂宿舍'],
  安泰: ['安泰花园', '安泰家园'],
  果都: ['果都嘉园', '果都新城', '果品公司宿舍'],
};

/** Login names follow the demo accounts (clerk.longteng, street.zhuangyuan); pinyin of the short names. */
export const PINYIN: Record<string, string> = {
  翠亭: 'cuiting', 迎宾: 'yingbin', 涌泉: 'yongquan', 东盛: 'dongsheng', 向阳: 'xiangyang', 万达: 'wanda', 龙腾: 'longteng',
  文水: 'wenshui', 英炜: 'yingwei', 东山: 'dongshan', 安泰: 'antai', 果都: 'guodu', 翠屏: 'cuiping', 庄园: 'zhuangyuan', 松山: 'songshan',
};

/** Where a community sends what is not the community's to do (转办). */
export const REFERRAL_BODIES: Record<string, string> = {
  S04: '栖霞市住房和城乡建设局', S05: '物业服务企业', S06: '栖霞市热力公司', S07: '国网栖霞市供电公司', S29: '栖霞市住房和城乡建设局',
  S31: '栖霞市城市管理局', S35: '栖霞市市场监督管理局', S37: '栖霞市应急管理局',
};

export const REJECT_REASONS = ['属于居民家庭内部事务，不属于社区服务事项', '诉求已由物业公司按合同处理', '涉及私人财产纠纷，建议通过诉讼途径解决'];
export const CANCEL_REASONS = ['居民已自行解决', '居民搬离小区，不再需要', '与物业维修计划重复，已由物业完成'];
export const RELEASE_REASONS = ['单位集中服务日另有防汛任务，人手不足', '所需专业设备暂缺，请其他单位认领', '与单位重点工作冲突，无法按期服务'];
export const REOPEN_REASONS = ['居民反映问题仍未解决', '维修后再次损坏，需要返工', '服务未覆盖全部住户，需补做'];

/** The article's road: a dual-report unit coordinated 100,000+ yuan to harden it (2020). */
export const ROAD = {
  compound: '挡风玻璃厂小区',
  community: '涌泉',
  unitWords: ['交通运输', '住房和城乡建设'],
  project: '挡风玻璃厂小区北侧道路硬化',
  place: '挡风玻璃厂小区北侧道路',
  budgetYuan: 108600,
  need: '挡风玻璃厂小区北侧道路破烂不堪，坑坑洼洼，雨天积水，居民出行困难，怨气很大',
  note: '协调资金10.86万元，硬化道路约620米，同步修整排水边沟，居民评议满意',
  milestones: [
    { title: '居民反映道路破损，社区上报需求', due: '2020-03-09', done: true },
    { title: '双报到单位现场勘察、测量', due: '2020-03-25', done: true },
    { title: '协调资金10.86万元到位', due: '2020-04-20', done: true },
    { title: '路面硬化施工（约620米）', due: '2020-05-25', done: true },
    { title: '竣工验收，居民评议', due: '2020-06-10', done: true },
  ],
  reportedOn: '2020-03-09',
  serviceDay: '2020-05-25',
} as const;

/** The demo account unit.staff's unit (the org demo's first work unit). */
export const STAFF_UNIT_NAME = '栖霞市自然资源和规划局党组';
